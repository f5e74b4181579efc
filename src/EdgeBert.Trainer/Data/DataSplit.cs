namespace EdgeBert.Trainer.Data;

/// <summary>The part of a data set an example belongs to.</summary>
public enum DataSplit
{
    /// <summary>Training data.</summary>
    Train,

    /// <summary>Development (validation) data, for model selection.</summary>
    Dev,

    /// <summary>Held-out test data.</summary>
    Test,
}
