namespace EdgeBert.Encoder;

/// <summary>
/// Observes intermediate packed bits of a forward pass (parity tests compare them with the
/// scalar reference). Names: <c>layer.{i}.attention.{query|key|value}.signs</c> and
/// <c>layer.{i}.attention.input.signs</c>.
/// </summary>
internal interface IEncoderTrace
{
    void Bits(string name, ReadOnlySpan<ulong> bits);
}
