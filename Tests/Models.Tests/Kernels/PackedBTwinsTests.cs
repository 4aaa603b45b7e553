using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tests.Gradients;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>Each fast way of packing B writes the floats its twin writes, to the same places and no others: B in groups
/// of rows, panel by panel (<see cref="GemmPacking.PanelOrder"/>) against each row across all panels, for a stored B and
/// for δ stored as images, at every SIMD width and for any split of the k rows between threads; and a B stored n×k
/// through 16×16 transposes (<see cref="GemmPacking.WideTranspose"/>) against 8×8 ones.</summary>
[Collection(nameof(GemmThreadsCollection))]
public unsafe class PackedBTwinsTests
{
    public static TheoryData<int, int, int, int, int> StoredShapes => new()
    {
        // rows of B (k), columns (n), the block's first row p0 and column j0, the block's width nc
        { 40, 3136, 8, 16, 1024 },   // full panels only; 32 rows, two groups of 16 (three threads' ranges cut them)
        { 20, 100, 0, 0, 100 },      // a cut last panel (100 = 6·16 + 4)
        { 7, 50, 3, 37, 13 },        // a block narrower than one panel, starting mid-panel of the matrix
    };

    [Theory, MemberData(nameof(StoredShapes))]
    public void A_stored_b_packs_to_the_same_panels_in_either_order(int k, int n, int p0, int j0, int nc)
    {
        var b = GradientCheck.Random(new Random(k + n), k * n).Data;
        int kc = k - p0;
        Compare(kc, nc, (from, to, dst) =>
        {
            fixed (float* pb = b) GemmPacking.PackBRows(pb, n, p0, j0, nc, kc, from, to, dst);
        });
    }

    public static TheoryData<int, int, int, int> ImageShapes => new()
    {
        // channels (k), pixels a plane, images, the block's first column j0
        { 12, 49, 8, 0 },    // 7×7 planes: panels cut where an image ends
        { 40, 49, 3, 0 },    // 39 rows: two whole groups of 16 and a short one
        { 5, 196, 3, 20 },   // 14×14 planes, a block that starts inside a panel's worth of the first image
        { 9, 4, 30, 0 },     // planes shorter than a panel: four images a panel
        { 3, 1, 40, 5 },     // one pixel a plane
    };

    [Theory, MemberData(nameof(ImageShapes))]
    public void Delta_as_images_packs_to_the_same_panels_in_either_order(int k, int plane, int images, int j0)
    {
        var dy = GradientCheck.Random(new Random(k * plane + images), images * k * plane).Data;
        int nc = plane * images - j0, p0 = 1, kc = k - p0;
        Compare(kc, nc, (from, to, dst) =>
        {
            fixed (float* pb = dy) GemmPacking.PackBRowsImages(pb, plane, (long)k * plane, p0, j0, nc, kc, from, to, dst);
        });
    }

    public static TheoryData<int, int, int, int, int> TransposedShapes => new()
    {
        // columns of op(B) (n, B's stored rows), depth (k, B's stored columns), the block's first row p0 and column j0, its width nc
        { 64, 100, 3, 0, 64 },     // 97 values of k: six 16×16 transposes, then an 8×8 one and a scalar tail
        { 50, 40, 0, 5, 45 },      // a cut last panel (45 = 2·16 + 13): scalar
        { 32, 16, 0, 0, 32 },      // one transpose a panel
    };

    [Theory, MemberData(nameof(TransposedShapes))]
    public void A_b_stored_n_by_k_packs_to_the_same_panels_through_either_transpose(int n, int k, int p0, int j0, int nc)
    {
        var b = GradientCheck.Random(new Random(n + k), n * k).Data;
        int kc = k - p0, panels = (nc + GemmBlocking.NR - 1) / GemmBlocking.NR, length = panels * GemmBlocking.NR * kc;
        foreach (var width in SimdWidth.AvailablePaths)
            using (SimdWidth.Use(width))
            {
                float[] Packed(bool wide)
                {
                    var dst = Enumerable.Repeat(float.NaN, length).ToArray();
                    GemmPacking.WideTranspose = wide;
                    try
                    {
                        fixed (float* pb = b) fixed (float* d = dst) GemmPacking.PackBColumns(pb, k, p0, j0, nc, kc, 0, panels, d);
                    }
                    finally { GemmPacking.WideTranspose = true; }
                    return dst;
                }
                var narrow = Packed(false);
                Assert.DoesNotContain(float.NaN, narrow);
                Assert.True(Packed(true).AsSpan().SequenceEqual(narrow), $"{width}: the packed panels differ");
            }
    }

    private delegate void Pack(int from, int to, float* dst);

    /// <summary>Packs in both orders, whole and as three threads' row ranges, into buffers of NaN, and compares them
    /// float for float (a NaN left in one and not the other is a float written in one order only).</summary>
    private static void Compare(int kc, int nc, Pack pack)
    {
        int length = (nc + GemmBlocking.NR - 1) / GemmBlocking.NR * GemmBlocking.NR * kc;
        foreach (var width in SimdWidth.AvailablePaths)
            using (SimdWidth.Use(width))
                foreach (int parts in new[] { 1, 3 })
                {
                    float[] Packed(bool panelOrder)
                    {
                        var dst = Enumerable.Repeat(float.NaN, length).ToArray();
                        GemmPacking.PanelOrder = panelOrder;
                        try
                        {
                            fixed (float* d = dst)
                                for (int part = 0; part < parts; part++) pack(kc * part / parts, kc * (part + 1) / parts, d);
                        }
                        finally { GemmPacking.PanelOrder = true; }
                        return dst;
                    }
                    var across = Packed(false);
                    Assert.DoesNotContain(float.NaN, across);
                    Assert.True(Packed(true).AsSpan().SequenceEqual(across), $"{width}, {parts} part(s): the packed panels differ");
                }
    }
}
