namespace NeuralPipelines.Models.Kernels;

/// <summary>Items of a shared loop or product taken from both ends: the caller from the first, its partners from the
/// last, so that loops and products over the same data in a row give each core the same part of it (which then stays in
/// that core's cache). Three counters: items claimed, taken from the front, taken from the back.</summary>
internal static class BothEnds
{
    /// <summary>The next of <paramref name="count"/> items for a thread at the <paramref name="front"/> end or the back,
    /// or −1 once all are claimed. A claim comes first, so that the two ends never pass each other; with every thread at
    /// the front the items go out in order to whoever asks.</summary>
    public static int Next(ref int claimed, ref int fromFront, ref int fromBack, int count, bool front) =>
        Interlocked.Increment(ref claimed) > count ? -1
        : front ? Interlocked.Increment(ref fromFront) - 1 : count - Interlocked.Increment(ref fromBack);
}
