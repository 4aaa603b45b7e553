namespace NeuralPipelines.Models.Kernels;

/// <summary>The activation a batch-norm sweep applies to its own output while that output is still in cache: none,
/// a = max(0, z) (<see cref="Rectifier"/>) or a = z / αz (<see cref="LeakyRectifier"/>), and the matching
/// δ_z = δ_a ⊙ σ'(z).</summary>
/// <remarks>Only a description: every element goes through the same kernel calls the activation layer makes on its own,
/// which are elementwise, so applying them a plane at a time instead of a chunk at a time gives the same bits.</remarks>
public readonly struct PlaneActivation
{
    private readonly Kind _kind;

    private PlaneActivation(Kind kind, float slope) { _kind = kind; Slope = slope; }

    /// <summary>No activation: the sweep is batch normalisation alone.</summary>
    public static PlaneActivation None => default;

    /// <summary>a = max(0, z).</summary>
    public static PlaneActivation Rectifier => new(Kind.Rectifier, 0f);

    /// <summary>a = z for z &gt; 0, else α·z.</summary>
    public static PlaneActivation Leaky(float slope) => new(Kind.Leaky, slope);

    public bool IsNone => _kind == Kind.None;

    internal bool IsRectifier => _kind == Kind.Rectifier;

    internal bool IsLeaky => _kind == Kind.Leaky;

    public float Slope { get; }

    /// <summary>a = σ(z).</summary>
    public void Forward(ReadOnlySpan<float> z, Span<float> a)
    {
        if (_kind == Kind.Rectifier) Kernels.Rectifier.Forward(z, a);
        else if (_kind == Kind.Leaky) LeakyRectifier.Forward(z, Slope, a);
    }

    /// <summary>dz = da ⊙ σ'(z); the ReLU reads its mask from a (positive exactly where z was), as its layer does.</summary>
    public void Backward(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> da, Span<float> dz)
    {
        if (_kind == Kind.Rectifier) Kernels.Rectifier.Mask(a, da, dz);
        else if (_kind == Kind.Leaky) LeakyRectifier.Backward(z, da, Slope, dz);
    }

    /// <summary>The plain twin of <see cref="Forward"/>.</summary>
    public void ForwardReference(ReadOnlySpan<float> z, Span<float> a)
    {
        if (_kind == Kind.Rectifier) Kernels.Rectifier.ForwardReference(z, a);
        else if (_kind == Kind.Leaky) LeakyRectifier.ForwardReference(z, Slope, a);
    }

    /// <summary>The plain twin of <see cref="Backward"/>.</summary>
    public void BackwardReference(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> da, Span<float> dz)
    {
        if (_kind == Kind.Rectifier) Kernels.Rectifier.MaskReference(a, da, dz);
        else if (_kind == Kind.Leaky) LeakyRectifier.BackwardReference(z, da, Slope, dz);
    }

    private enum Kind : byte { None, Rectifier, Leaky }
}
