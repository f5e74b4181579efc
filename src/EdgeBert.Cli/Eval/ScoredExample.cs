namespace EdgeBert.Cli.Eval;

/// <summary>
/// One evaluated example: its view (null without one), true and predicted label, the confidence
/// (probability of the predicted label) without calibration (T = 1) and with the model's
/// temperature, and the windows its text was read over.
/// </summary>
internal readonly record struct ScoredExample(string? View, int Actual, int Predicted, double Confidence, double CalibratedConfidence, int Windows)
{
    /// <summary>Whether the prediction is right.</summary>
    public bool Correct => Actual == Predicted;
}
