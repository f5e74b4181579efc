namespace EdgeBert.Format;

/// <summary>
/// Arithmetic on CRC-32C registers as polynomials over GF(2) modulo the Castagnoli polynomial
/// (reflected: bit 31 is x^0), so that CRCs of adjacent pieces computed independently can be
/// joined: <c>Update(s, a ++ b) == Multiply(ShiftOperator(b.Length), Update(s, a)) ^ Update(0, b)</c>,
/// because the register update is linear and feeding n zero bytes multiplies the register by
/// x^(8n). The same method as zlib's crc32_combine (multmodp and x2nmodp).
/// </summary>
internal static class Crc32CCombine
{
    // x^(2^k) mod P for k = 0..31; the powers repeat with period dividing 2^32 - 1, so indices wrap.
    private static readonly uint[] s_powers = BuildPowers();

    /// <summary>a · b mod P (reflected representation).</summary>
    internal static uint Multiply(uint a, uint b)
    {
        uint product = 0;
        for (uint m = 1u << 31; m != 0; m >>= 1)
        {
            if ((a & m) != 0) product ^= b;
            b = (b & 1) != 0 ? (b >> 1) ^ Crc32CScalar.Polynomial : b >> 1;
        }
        return product;
    }

    /// <summary>x^(8·<paramref name="bytes"/>) mod P: what feeding that many zero bytes multiplies a register by.</summary>
    internal static uint ShiftOperator(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        uint result = 1u << 31; // x^0
        // bytes · 8 = bytes · 2^3: walk the bits of bytes starting at power index 3.
        for (int k = 3; bytes != 0; bytes >>= 1, k++)
        {
            if ((bytes & 1) != 0) result = Multiply(s_powers[k & 31], result);
        }
        return result;
    }

    private static uint[] BuildPowers()
    {
        var powers = new uint[32];
        powers[0] = 1u << 30; // x^1
        for (int k = 1; k < powers.Length; k++) powers[k] = Multiply(powers[k - 1], powers[k - 1]);
        return powers;
    }
}
