namespace NeuralPipelines.Models.Training;

/// <summary>Derives independent seeds from (run seed, epoch, purpose, …) so each epoch's shuffle, augmentation and
/// dropout can be regenerated from the checkpoint's epoch alone: that is what makes a resumed run exact.</summary>
public static class Seeds
{
    public static int Derive(int seed, params ReadOnlySpan<int> parts)
    {
        ulong h = Mix((ulong)(uint)seed + 0x9E3779B97F4A7C15UL);
        foreach (int p in parts) h = Mix(h ^ ((ulong)(uint)p + 0x632BE59BD9B4E019UL));
        return (int)(h >> 33);
    }

    // SplitMix64's finaliser: every input bit affects every output bit.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
