namespace NeuralPipelines.Models.Tensors;

/// <summary>
/// Runs an elementwise operation over a long tensor in chunks shared out between threads. Activations and sums over a
/// convolutional batch are memory-bound (a ResNet-8 step has 0.8 M-float tensors): a second core brings its own share of
/// the bandwidth. Each element is computed the same way whichever thread takes its chunk, so the bits never change.
/// </summary>
/// <remarks>The body is a static lambda and its tensors travel in <c>state</c>, so the single-threaded path (an MLP's small
/// tensors) allocates nothing: the trainer's zero-allocation step depends on it.</remarks>
public static class Elementwise
{
    /// <summary>Floats per chunk: 128 KB, large against the cost of handing a chunk to a thread.</summary>
    public const int Chunk = 1 << 15;

    /// <summary>Calls <paramref name="body"/>(state, start, count) over [0, length): on the caller alone below two chunks.</summary>
    public static void For<TState>(int length, TState state, Action<TState, int, int> body)
    {
        if (length < 2 * Chunk || Environment.ProcessorCount == 1) body(state, 0, length);
        else Shared(length, state, body);
    }

    private static void Shared<TState>(int length, TState state, Action<TState, int, int> body) =>
        Parallel.For(0, (length + Chunk - 1) / Chunk, k =>
        {
            int start = k * Chunk;
            body(state, start, Math.Min(Chunk, length - start));
        });
}
