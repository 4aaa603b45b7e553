using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// Concatenation of two batches along their channels, and its backward's pieces. NCHW keeps each image's channels in one
/// block, so y's image i is a's image i followed by b's: two block copies per image.
/// </summary>
/// <remarks>Images are shared between threads by <see cref="KernelLoop"/>'s policy: pix2pix joins up to 1 M floats at
/// each U-Net level and again for every pair D sees, and on one thread those copies were serial stretches between the
/// convolutions' parallel regions. Every element is copied (or added) the same way whichever thread takes its image,
/// so the bits never change; <see cref="JoinReference"/>, <see cref="PartReference"/> and <see cref="AddPartReference"/>
/// are the plain loops they replaced.</remarks>
public static class Concatenation
{
    /// <summary>y[i] = [a[i], b[i]] for every image i; y holds a's and b's item lengths together.</summary>
    public static void Join(Tensor a, Tensor b, Tensor y) => Join(a, b, y, PlaneActivation.None);

    /// <summary>y[i] = σ([a[i], b[i]]): the join with the activation that follows it applied on the way (a U-Net level's
    /// ReLU after its inner level's join), each element through the same call the activation layer makes on it, so the
    /// bits are the layer's. One pass instead of a join and then a sweep over the joined batch.</summary>
    public static void Join(Tensor a, Tensor b, Tensor y, PlaneActivation activation)
    {
        int n = Check("Join", a, b, y, a.ItemLength + b.ItemLength);
        KernelLoop.For(n, y.Length, (a, b, y, activation), static (t, i) =>
        {
            int al = t.a.ItemLength, bl = t.b.ItemLength, yl = al + bl;
            if (t.activation.IsNone)
            {
                t.a.Span.Slice(i * al, al).CopyTo(t.y.Span.Slice(i * yl, al));
                t.b.Span.Slice(i * bl, bl).CopyTo(t.y.Span.Slice(i * yl + al, bl));
            }
            else
            {
                t.activation.Forward(t.a.Span.Slice(i * al, al), t.y.Span.Slice(i * yl, al));
                t.activation.Forward(t.b.Span.Slice(i * bl, bl), t.y.Span.Slice(i * yl + al, bl));
            }
        });
    }

    /// <summary>part[i] = y[i][offset .. offset + part's item length): one operand's share of a concatenation's δ.</summary>
    public static void Part(Tensor y, int offset, Tensor part)
    {
        int n = Check("Part", part, part, y, offset + part.ItemLength);
        KernelLoop.For(n, 2L * part.Length, (y, offset, part), static (t, i) =>
        {
            int pl = t.part.ItemLength, yl = t.y.ItemLength;
            t.y.Span.Slice(i * yl + t.offset, pl).CopyTo(t.part.Span.Slice(i * pl, pl));
        });
    }

    /// <summary>sum[i] = add[i] + y[i][offset .. offset + sum's item length): a skip's δ joined to the δ from the other path.</summary>
    public static void AddPart(Tensor y, int offset, Tensor add, Tensor sum)
    {
        int n = Check("AddPart", add, sum, y, offset + sum.ItemLength);
        KernelLoop.For(n, 3L * sum.Length, (y, offset, add, sum), static (t, i) =>
        {
            int sl = t.sum.ItemLength, yl = t.y.ItemLength;
            TensorPrimitives.Add(t.add.Span.Slice(i * sl, sl), t.y.Span.Slice(i * yl + t.offset, sl), t.sum.Span.Slice(i * sl, sl));
        });
    }

    /// <summary>The plain twin of <see cref="Join(Tensor, Tensor, Tensor, PlaneActivation)"/>.</summary>
    public static void JoinReference(Tensor a, Tensor b, Tensor y)
    {
        int n = Check("Join", a, b, y, a.ItemLength + b.ItemLength), al = a.ItemLength, bl = b.ItemLength, yl = al + bl;
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < al; k++) y.Span[i * yl + k] = a.Span[i * al + k];
            for (int k = 0; k < bl; k++) y.Span[i * yl + al + k] = b.Span[i * bl + k];
        }
    }

    /// <summary>The plain twin of <see cref="Part"/>.</summary>
    public static void PartReference(Tensor y, int offset, Tensor part)
    {
        int n = Check("Part", part, part, y, offset + part.ItemLength), pl = part.ItemLength, yl = y.ItemLength;
        for (int i = 0; i < n; i++)
            for (int k = 0; k < pl; k++) part.Span[i * pl + k] = y.Span[i * yl + offset + k];
    }

    /// <summary>The plain twin of <see cref="AddPart"/>.</summary>
    public static void AddPartReference(Tensor y, int offset, Tensor add, Tensor sum)
    {
        int n = Check("AddPart", add, sum, y, offset + sum.ItemLength), sl = sum.ItemLength, yl = y.ItemLength;
        for (int i = 0; i < n; i++)
            for (int k = 0; k < sl; k++) sum.Span[i * sl + k] = add.Span[i * sl + k] + y.Span[i * yl + offset + k];
    }

    private static int Check(string name, Tensor a, Tensor b, Tensor y, int reach)
    {
        int n = y.Rank == 0 ? 0 : y.Dim(0);
        if (a.Dim(0) != n || b.Dim(0) != n || a.ItemLength != b.ItemLength && name != "Join" || reach > y.ItemLength && n > 0)
            throw new ArgumentException($"Concatenation.{name}: {Tensor.ShapeText(a.Shape)} and {Tensor.ShapeText(b.Shape)} do not fit {Tensor.ShapeText(y.Shape)}.");
        return n;
    }
}
