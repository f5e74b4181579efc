namespace EdgeBert.Format;

/// <summary>Table-driven CRC-32C: the reference every instruction path is tested against.</summary>
internal static class Crc32CScalar
{
    /// <summary>Reflected Castagnoli polynomial.</summary>
    internal const uint Polynomial = 0x82F63B78u;

    private static readonly uint[] s_table = BuildTable();

    /// <summary>Advances the raw (not inverted) CRC register over <paramref name="data"/>.</summary>
    internal static uint Update(uint state, ReadOnlySpan<byte> data)
    {
        uint[] table = s_table;
        foreach (byte b in data)
        {
            state = table[(byte)(state ^ b)] ^ (state >> 8);
        }
        return state;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            }
            table[i] = c;
        }
        return table;
    }
}
