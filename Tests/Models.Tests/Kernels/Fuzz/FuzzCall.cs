namespace NeuralPipelines.Models.Tests.Kernels.Fuzz;

/// <summary>One call of a kernel under test: its inputs as guarded copies (NaN past both ends; checked unchanged after
/// the call) and its output as a guarded buffer, so that a write outside the output's span, or into an input, is caught.</summary>
public sealed class FuzzCall
{
    private readonly List<(string Name, Guarded Buffer, float[] Original)> _inputs = [];

    /// <summary>The output the route wrote (what <see cref="Out(long)"/> or <see cref="Out(float[])"/> made last).</summary>
    public Guarded? Result { get; private set; }

    /// <summary>A guarded copy of input <paramref name="x"/>.</summary>
    public ReadOnlySpan<float> In(float[] x, string name = "input")
    {
        var g = Guarded.Of(x);
        _inputs.Add((name, g, x));
        return g.Span;
    }

    /// <summary>A guarded output of NaN (every element must be written).</summary>
    public Span<float> Out(long length) => (Result = Guarded.Unwritten(length)).Span;

    /// <summary>A guarded output that starts as <paramref name="start"/> (for a product that accumulates).</summary>
    public Span<float> Out(float[] start) => (Result = Guarded.Of(start)).Span;

    private readonly List<Guarded> _outputs = [];

    /// <summary>A guarded output of NaN for a kernel with several outputs, checked for writes outside it; the one under
    /// test is then named by <see cref="Keep"/>.</summary>
    public Span<float> Several(long length)
    {
        var g = Guarded.Unwritten(length);
        _outputs.Add(g);
        return g.Span;
    }

    /// <summary>A guarded output that starts as <paramref name="start"/>, checked for writes outside it.</summary>
    public Guarded Guard(float[] start)
    {
        var g = Guarded.Of(start);
        _outputs.Add(g);
        return g;
    }

    /// <summary>Makes <paramref name="output"/> (one of <see cref="Several"/>'s) the result.</summary>
    public void Keep(ReadOnlySpan<float> output) => Result = Guarded.Of(output.ToArray());

    /// <summary>What went wrong outside the output's values, or null.</summary>
    public string? Check()
    {
        if (Result is null) return "wrote no output";
        if (Result.Trampled() is { } r) return $"output: {r}";
        foreach (var o in _outputs)
            if (o.Trampled() is { } t) return $"an output: {t}";
        foreach (var (name, buffer, original) in _inputs)
        {
            if (buffer.Trampled() is { } t) return $"{name}: {t}";
            var now = buffer.Span;
            for (int i = 0; i < original.Length; i++)
                if (BitConverter.SingleToInt32Bits(now[i]) != BitConverter.SingleToInt32Bits(original[i]))
                    return $"{name}[{i}] changed from {original[i]:R} to {now[i]:R}";
        }
        return null;
    }
}

/// <summary>One entry point under test: which of the case's products it computes, whether it takes the case at the width
/// in force (its own <c>Suits</c>), and how to call it.</summary>
/// <param name="PicksByWidth">The route is a chooser that may take another kernel at another width: its bits across
/// widths are noted (<see cref="FuzzRunner.Tally.Notes"/>), not required.</param>
public sealed record FuzzRoute(string Name, int Product, Func<bool> Takes, Action<FuzzCall> Run, bool PicksByWidth = false);
