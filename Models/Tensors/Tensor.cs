namespace NeuralPipelines.Models.Tensors;

/// <summary>A dense float32 tensor, row-major (NCHW for images), that carries its shape with its data.</summary>
/// <remarks>
/// The backing array may be longer than <see cref="Length"/>: a tensor that shrinks (the last, smaller mini-batch of an
/// epoch) keeps its array so that the next full batch needs no new allocation. Always slice through <see cref="Span"/>.
/// </remarks>
public sealed class Tensor
{
    private int[] _shape;

    public Tensor(params int[] shape)
    {
        _shape = (int[])shape.Clone();
        Length = CheckedProduct(shape);
        Data = new float[Length];
    }

    /// <summary>Wraps an existing array (no copy); its length must hold the shape.</summary>
    public Tensor(float[] data, params int[] shape)
    {
        _shape = (int[])shape.Clone();
        Length = CheckedProduct(shape);
        if (data.Length < Length)
            throw new ArgumentException($"An array of {data.Length} floats cannot hold a tensor of shape {ShapeText(shape)} ({Length} elements).");
        Data = data;
    }

    /// <summary>The backing store; only the first <see cref="Length"/> elements belong to the tensor.</summary>
    public float[] Data { get; private set; }

    public int Length { get; private set; }

    public ReadOnlySpan<int> Shape => _shape;

    public int Rank => _shape.Length;

    public int Dim(int axis) => _shape[axis < 0 ? _shape.Length + axis : axis];

    public Span<float> Span => Data.AsSpan(0, Length);

    /// <summary>Elements per item of the leading (batch) axis: the product of the other axes, so an empty batch [0×1×28×28]
    /// still has items of 784 (as Length / N it read 0, and Flatten turned the batch into [0×0], a shape no layer named).</summary>
    public int ItemLength
    {
        get
        {
            if (_shape.Length == 0) return 0;
            if (_shape[0] != 0) return Length / _shape[0];
            int n = 1;
            for (int i = 1; i < _shape.Length; i++) n *= _shape[i];
            return n;
        }
    }

    public float this[int i] { get => Data[i]; set => Data[i] = value; }

    public int[] ShapeArray() => (int[])_shape.Clone();

    public override string ToString() => $"Tensor{ShapeText(_shape)}";

    /// <summary>Changes the shape in place; the element count must not change.</summary>
    public Tensor Reshape(params ReadOnlySpan<int> shape)
    {
        int n = CheckedProduct(shape);
        if (n != Length)
            throw new ArgumentException($"Cannot reshape {ShapeText(_shape)} ({Length} elements) to {ShapeText(shape)} ({n} elements).");
        SetShape(shape);
        return this;
    }

    /// <summary>A second tensor over the same storage with another shape of the same size.</summary>
    public Tensor View(params int[] shape)
    {
        var v = new Tensor(Data, shape);
        if (v.Length != Length)
            throw new ArgumentException($"Cannot view {ShapeText(_shape)} ({Length} elements) as {ShapeText(shape)}.");
        return v;
    }

    public Tensor Clone()
    {
        var t = new Tensor(_shape);
        Span.CopyTo(t.Span);
        return t;
    }

    public void Clear() => Span.Clear();

    public bool ShapeEquals(ReadOnlySpan<int> shape) => _shape.AsSpan().SequenceEqual(shape);

    /// <summary>
    /// Returns <paramref name="t"/> resized to <paramref name="shape"/>, reusing its array when it is large enough.
    /// This is how layers keep their outputs and gradients between steps without allocating.
    /// </summary>
    public static Tensor Ensure(ref Tensor? t, params ReadOnlySpan<int> shape)
    {
        int n = CheckedProduct(shape);
        if (t is null || t.Data.Length < n)
        {
            t = new Tensor(new float[n], shape.ToArray());
            return t;
        }
        if (!t.ShapeEquals(shape)) t.SetShape(shape);
        return t;
    }

    private void SetShape(ReadOnlySpan<int> shape)
    {
        if (_shape.Length == shape.Length) shape.CopyTo(_shape);
        else _shape = shape.ToArray();
        Length = CheckedProduct(shape);
    }

    public static string ShapeText(ReadOnlySpan<int> shape)
    {
        var parts = new string[shape.Length];
        for (int i = 0; i < shape.Length; i++) parts[i] = shape[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        return "[" + string.Join("×", parts) + "]";
    }

    private static int CheckedProduct(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"Negative dimension in shape {ShapeText(shape)}.");
            n *= d;
            if (n > int.MaxValue) throw new ArgumentException($"Shape {ShapeText(shape)} has more than {int.MaxValue} elements.");
        }
        return (int)n;
    }
}
