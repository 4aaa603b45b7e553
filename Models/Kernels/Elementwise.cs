namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// Runs an elementwise operation over a long tensor in chunks shared out between threads. Activations and sums over a
/// convolutional batch are memory-bound (a ResNet-8 step has 0.8 M-float tensors): a second core brings its own share of
/// the bandwidth. Each element is computed the same way whichever thread takes its chunk, so the bits never change.
/// </summary>
/// <remarks>The body is a static lambda and its tensors travel in <c>state</c>, so no call allocates (the trainer's
/// zero-allocation step depends on it); the split follows <see cref="KernelLoop"/>'s policy, one float of work per element.</remarks>
public static class Elementwise
{
    /// <summary>Floats per chunk: 128 KB, large against the cost of handing a chunk to a thread.</summary>
    public const int Chunk = 1 << 15;

    /// <summary>Calls <paramref name="body"/>(state, start, count) over [0, length) in chunks of <see cref="Chunk"/>.</summary>
    public static void For<TState>(int length, TState state, Action<TState, int, int> body)
    {
        if (length < 2 * Chunk) { body(state, 0, length); return; }
        KernelLoop.For((length + Chunk - 1) / Chunk, length, (state, body, length), static (t, k) =>
        {
            int start = k * Chunk;
            t.body(t.state, start, Math.Min(Chunk, t.length - start));
        });
    }
}
