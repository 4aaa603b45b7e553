using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels.Fuzz;

/// <summary>The kernels that move floats between layouts: im2col and col2im (the whole batch, the phase planes, the strided
/// gathers), channels-last copies and kernel reorders, the column layout's copies, a tap crop's gather and scatter, and
/// the short-row copies; against their plain twins (or the plain loop they replaced), on shapes with ragged tails.</summary>
public sealed partial class ElementwiseFuzz
{
    private static ElementwiseFuzz Layouts(Random rng)
    {
        int k = rng.Pick(1, 2, 3, 4, 4, 5), s = rng.Pick(1, 2, 2, 3), pad = rng.Next(0, Math.Min(k, 3)), dilation = rng.Next(6) == 0 ? 2 : 1;
        if (rng.Next(3) == 0) (k, s, pad, dilation) = (4, 2, 1, 1); // DCGAN's and pix2pix's
        int channels = rng.Pick(1, 3, 8, 16, 17, 32, rng.Next(1, 40)), batch = rng.Next(1, 5);
        int h = rng.Next(Math.Max(1, dilation * (k - 1) + 1 - 2 * pad), 24), w = rng.Next(Math.Max(1, dilation * (k - 1) + 1 - 2 * pad), rng.Next(2) == 0 ? 24 : 140);
        var g = new Im2ColGeometry(channels, h, w, k, k, s, s, pad, pad, dilation, dilation);
        int hp = h + pad + rng.Next(0, 3), wp = w + pad + rng.Next(0, 3);
        var f = new ElementwiseFuzz($"layouts {batch}×[{channels}×{h}×{w}], kernel {k}, stride {s}, padding {pad}, dilation {dilation}, grid {hp}×{wp}");
        var images = FuzzRun.Values(rng, (long)batch * g.ImageLength);
        long columnsLength = (long)g.Rows * batch * g.OutPixels;
        var columns = FuzzRun.Values(rng, columnsLength);
        int taps = k * k;

        var unfolded = new float[columnsLength];
        Im2ColReference.Unfold(images, batch, g, unfolded);
        var folded = new float[images.Length];
        Im2ColReference.Fold(columns, batch, g, folded);
        var foldScale = new float[images.Length];
        Im2ColReference.Fold(FuzzRun.Abs(columns), batch, g, foldScale);
        int product = f.Twin.Count;
        f.Twin.Add(unfolded); f.Scale.Add(Array.ConvertAll(unfolded, v => 1 + Math.Abs(v))); f.Tolerances.Add(0);
        f.Twin.Add(folded); f.Scale.Add(foldScale); f.Tolerances.Add(KernelFuzzTests.Bound(taps));
        void Route(string name, int which, Func<bool> takes, Action<FuzzCall> run) => f.Routes.Add(new FuzzRoute(name, product + which, takes, run));
        Route("Im2Col.Unfold", 0, () => true, c => Im2Col.Unfold(c.In(images, "images"), batch, g, c.Out(columnsLength)));
        Route("Im2Col.Fold", 1, () => true, c => Im2Col.Fold(c.In(columns, "columns"), batch, g, c.Out(images.Length)));
        unsafe
        {
            Route("PhaseFold.Unfold", 0, () => PhaseFold.Suits(g), c =>
            {
                fixed (float* x = c.In(images, "images")) fixed (float* o = c.Out(columnsLength)) PhaseFold.Unfold(x, batch, g, o);
            });
            Route("PhaseFold.Fold", 1, () => PhaseFold.SuitsFold(g), c =>
            {
                fixed (float* x = c.In(columns, "columns")) fixed (float* o = c.Out(images.Length)) PhaseFold.Fold(x, batch, g, o);
            });
            Route("Im2ColStrided.UnfoldRow", 0, () => Im2ColStrided.Suits(g), c =>
            {
                fixed (float* x = c.In(images, "images")) fixed (float* o = c.Out(columnsLength))
                    for (int row = 0; row < g.Rows; row++) Im2ColStrided.UnfoldRow(x, batch, g, o, row);
            });
            Route("Im2ColStrided.FoldChannel", 1, () => Im2ColStrided.Suits(g), c =>
            {
                fixed (float* x = c.In(columns, "columns")) fixed (float* o = c.Out(images.Length))
                    for (int ch = 0; ch < channels; ch++) Im2ColStrided.FoldChannel(x, batch, g, o, ch);
            });
        }

        // Channels-last: a grid at least the padded image, sometimes wider (a forward's window reach).
        long gridLength = (long)batch * hp * wp * channels;
        var grid = new float[gridLength];
        unsafe
        {
            fixed (float* x = images) fixed (float* o = grid) ChannelsLastImages.PadReference(x, batch, g, hp, wp, o);
        }
        f.Add("ChannelsLastImages.Pad", ["grid"], [0], () => true, c => Pad(c, images, batch, g, hp, wp, gridLength), [grid]);

        // A kernel [O×C×taps] to [O×taps×C] and back; 4×4 kernels of whole blocks of 16 channels go by 16×16 transposes.
        int outChannels = rng.Next(1, 9), kernelTaps = rng.Next(3) == 0 ? 16 : taps;
        var weights = FuzzRun.Values(rng, (long)outChannels * channels * kernelTaps);
        foreach (bool tapsFirst in new[] { true, false })
        {
            var reordered = new float[weights.Length];
            unsafe
            {
                fixed (float* from = weights) fixed (float* to = reordered)
                    ChannelsLastImages.ReorderReference(from, to, outChannels, channels, kernelTaps, tapsFirst);
            }
            f.Add($"ChannelsLastImages.Reorder{(tapsFirst ? " taps first" : " back")}", ["kernel"], [0], () => true,
                c => Reorder(c, weights, outChannels, channels, kernelTaps, tapsFirst), [reordered]);
        }

        // The column routes' copies: [O × N·P] to images with a bias, and back.
        int pixels = g.OutPixels;
        var matrix = FuzzRun.Values(rng, (long)outChannels * batch * pixels);
        var bias = FuzzRun.Values(rng, outChannels);
        var (toImages, toImagesNoBias, fromImages) = (new float[matrix.Length], new float[matrix.Length], new float[matrix.Length]);
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < outChannels; o++)
                for (int q = 0; q < pixels; q++)
                {
                    long image = ((long)n * outChannels + o) * pixels + q, row = (long)o * batch * pixels + (long)n * pixels + q;
                    toImages[image] = matrix[row] + bias[o];
                    toImagesNoBias[image] = matrix[row];
                    fromImages[row] = matrix[image];
                }
        f.Add("ColumnLayout", ["to images", "to images without bias", "from images"], [0], () => true, c =>
        {
            Span<float> a = c.Several(matrix.Length), b = c.Several(matrix.Length), m = c.Several(matrix.Length);
            ColumnLayout.ToImages(c.In(matrix, "matrix"), batch, outChannels, pixels, c.In(bias, "bias"), a);
            ColumnLayout.ToImages(c.In(matrix, "matrix"), batch, outChannels, pixels, [], b);
            ColumnLayout.FromImages(c.In(matrix, "images"), batch, outChannels, pixels, m);
            return [a.ToArray(), b.ToArray(), m.ToArray()];
        }, [toImages, toImagesNoBias, fromImages]);

        // A tap crop of this geometry's kernel (when its window is small enough to have one), or any window.
        var crop = TapCrop.Of(g) ?? new TapCrop(rng.Next(k), rng.Next(k), 1, 1) with { };
        crop = crop with { Height = Math.Min(crop.Height, k - crop.Top), Width = Math.Min(crop.Width, k - crop.Left) };
        int planes = outChannels * channels;
        var full = FuzzRun.Values(rng, (long)planes * taps);
        var cropped = FuzzRun.Values(rng, (long)planes * crop.Height * crop.Width);
        var (gathered, scattered) = (new float[cropped.Length], (float[])full.Clone());
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < crop.Height; i++)
                for (int j = 0; j < crop.Width; j++)
                {
                    long at = ((long)p * k + crop.Top + i) * k + crop.Left + j, into = ((long)p * crop.Height + i) * crop.Width + j;
                    gathered[into] = full[at];
                    scattered[at] += cropped[into];
                }
        f.Add("TapCrop", ["gather", "scatter-add"], [0], () => true, c =>
        {
            var gg = c.Several(gathered.Length);
            crop.Gather(c.In(full, "weight"), planes, k, k, gg);
            var sg = c.Guard(full);
            crop.ScatterAdd(c.In(cropped, "cropped"), planes, k, k, sg.Span);
            return [gg.ToArray(), sg.Span.ToArray()];
        }, [gathered, scattered]);

        // Short rows: 0 to 70 floats, copied and added (the copy's last vector overlaps the one before).
        int length = rng.Next(0, 71);
        var src = FuzzRun.Values(rng, length);
        var dst = FuzzRun.Values(rng, length);
        f.Add("ShortRows", ["copy", "add"], [0], () => true, c => Rows(c, src, dst), [(float[])src.Clone(), src.Zip(dst, (a, b) => b + a).ToArray()]);
        return f;
    }

    private static unsafe float[][] Pad(FuzzCall c, float[] images, int batch, Im2ColGeometry g, int hp, int wp, long length)
    {
        var o = c.Several(length);
        fixed (float* x = c.In(images, "images")) fixed (float* to = o) ChannelsLastImages.Pad(x, batch, g, hp, wp, to);
        return [o.ToArray()];
    }

    private static unsafe float[][] Reorder(FuzzCall c, float[] weights, int outChannels, int channels, int taps, bool tapsFirst)
    {
        var o = c.Several(weights.Length);
        fixed (float* from = c.In(weights, "weights")) fixed (float* to = o) ChannelsLastImages.Reorder(from, to, outChannels, channels, taps, tapsFirst);
        return [o.ToArray()];
    }

    private static unsafe float[][] Rows(FuzzCall c, float[] src, float[] dst)
    {
        var copy = c.Several(src.Length);
        var sum = c.Guard(dst);
        fixed (float* s = c.In(src, "source")) fixed (float* d = copy) fixed (float* a = sum.Span)
        {
            ShortRows.Copy(s, d, src.Length);
            ShortRows.Add(s, a, src.Length);
        }
        return [copy.ToArray(), sum.Span.ToArray()];
    }
}
