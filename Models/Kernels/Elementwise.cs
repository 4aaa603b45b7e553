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

    /// <summary>Calls <paramref name="body"/>(state, start, count) over the columns [0, <paramref name="columns"/>) of a
    /// [<paramref name="rows"/> × columns] loop in which each column's values depend on every row (batch statistics, bias
    /// sums): the columns are cut into ranges of about <see cref="Chunk"/> floats of work, each range handed whole to one
    /// thread, so a column's rows are still visited in their order on whichever thread takes it.</summary>
    /// <remarks>Ranges are multiples of 64 columns (whole 512-bit vectors), set by the shape alone, never by the threads.</remarks>
    public static void ForColumns<TState>(int columns, int rows, TState state, Action<TState, int, int> body)
    {
        long work = (long)columns * Math.Max(rows, 1);
        int width = (int)Math.Min(columns, Math.Max(64, (Chunk / Math.Max(rows, 1) + 63) / 64 * 64));
        if (work < 2 * Chunk || width >= columns) { body(state, 0, columns); return; }
        KernelLoop.For((columns + width - 1) / width, work, (state, body, columns, width), static (t, k) =>
        {
            int start = k * t.width;
            t.body(t.state, start, Math.Min(t.width, t.columns - start));
        });
    }

    /// <summary>Copies <paramref name="from"/>'s elements into <paramref name="to"/> (a layer that only changes the
    /// shape: a serial 0.4 M-float copy in a DCGAN step's Reshape and Flatten otherwise).</summary>
    public static void Copy(NeuralPipelines.Models.Tensors.Tensor from, NeuralPipelines.Models.Tensors.Tensor to)
    {
        if (to.Length < from.Length)
            throw new ArgumentException($"Elementwise.Copy of {from.Length} floats into a tensor of {to.Length}.");
        For(from.Length, (from, to), static (t, s, n) => t.from.Span.Slice(s, n).CopyTo(t.to.Span.Slice(s, n)));
    }
}
