namespace NeuralPipelines.Cli.Tests.FaultInjection;

/// <summary>One seeded injury to a file's bytes, and how to say which.</summary>
public sealed record Damage(string What, byte[] Bytes)
{
    /// <summary><paramref name="flips"/> single-bit flips at random offsets, then <paramref name="truncations"/> cuts at
    /// random lengths (0 included), all from <paramref name="seed"/>: the same cases every run.</summary>
    public static IEnumerable<Damage> Cases(byte[] original, int seed, int flips, int truncations)
    {
        var rng = new Random(seed);
        for (int k = 0; k < flips; k++)
        {
            int at = rng.Next(original.Length), bit = rng.Next(8);
            var b = (byte[])original.Clone();
            b[at] ^= (byte)(1 << bit);
            yield return new Damage($"bit {bit} of byte {at} flipped", b);
        }
        for (int k = 0; k < truncations; k++)
        {
            int length = rng.Next(original.Length);
            yield return new Damage($"cut to {length} of {original.Length} bytes", original[..length]);
        }
    }
}
