using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tests.Gradients;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>B packed in groups of rows, panel by panel (<see cref="GemmPacking.PanelOrder"/>), writes the floats that the row-across order,
/// its plain twin, writes, to the same places and no others, for a stored B and for δ stored as images, at every SIMD
/// width and for any split of the k rows between threads.</summary>
[Collection(nameof(GemmThreadsCollection))]
public unsafe class PanelOrderPackingTests
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
