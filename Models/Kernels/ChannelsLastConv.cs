namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// A convolution's three products with the image held channels-last: each output is a sum over the taps of one dot
/// product of C channels, z[n,o,y,x] = Σ_(i,j) w′[o,i,j,·]·x′[n, y·s + i·d, x·s + j·d, ·] (x′ zero-padded), and ∂C/∂x,
/// ∂C/∂w the same walk with each dot replaced by a multiply-add of C channels. For the layers with one or a few output
/// channels and many input channels (PatchGAN's last layer: 256 channels to one logit a patch).
/// </summary>
/// <remarks>
/// <para>Why: the GEMM routes cost such a layer the packing of its whole column matrix for one row of output: PatchGAN's
/// 256→1 layer (4096 taps, 6×6 outputs, batch 16) spent about 11.5 CPU-ms a pix2pix step on 25 MFLOP, packing a 4096 × 576
/// B panel each product. Channels-last, every dot and multiply-add runs over C contiguous floats, and the copies in and
/// out are the size of the input.</para>
/// <para>Threads: the forward product, ∂C/∂x and the channels-last copy share images between threads by
/// <see cref="KernelLoop"/>'s policy (on one thread the layer was a serial stretch of about 4 CPU-ms a pix2pix ngf 32
/// step); ∂C/∂w sums over the images in image order on one thread. So the bits never depend on the thread count. The
/// plain twins are <see cref="DirectConv2dReference"/>'s definitions.</para>
/// </remarks>
public sealed class ChannelsLastConv
{
    /// <summary>Set to false to time the GEMM routes instead (A/B: <c>race pix2pix --ab channels-last</c>).</summary>
    public static bool Enabled { get; set; } = true;

    /// <summary>Layers the convolution sends here: at most <see cref="MaxOutChannels"/> output channels, at least 16
    /// input channels (a dot of fewer is mostly overhead), more taps than the direct kernels take.</summary>
    public static bool Suits(in ConvolutionGeometry s) =>
        Enabled && s.OutChannels <= MaxOutChannels && s.Window.Channels >= 16 && s.Window.Rows > 640;

    /// <summary>The most output channels for which this beats the GEMM: each output channel walks the image once.</summary>
    public const int MaxOutChannels = 2;

    private float[]? _image, _kernel, _gradient;

    /// <summary>y[N×O×OH×OW] = w ⋆ x + b (no bias when empty).</summary>
    public unsafe void Forward(in ConvolutionGeometry s, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y)
    {
        var image = ChannelsLast(s, x);
        var kernel = Kernel(s, weight);
        fixed (float* pi = image) fixed (float* pk = kernel) fixed (float* pb = bias) fixed (float* py = y)
            KernelLoop.For(s.Batch, Work(s), new Job(s, pi, pk, bias.IsEmpty ? null : pb, py), static (j, n) => j.Forward(n));
    }

    /// <summary>weightGradient[O×C×kH×kW] += δ ⋆ x.</summary>
    public void WeightGradient(in ConvolutionGeometry s, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> weightGradient)
    {
        var g = s.Window;
        var image = ChannelsLast(s, x);
        int c = g.Channels, taps = g.KernelH * g.KernelW, p = g.OutPixels, run = Run(g);
        var (hp, wp) = Padded(g);
        var gradient = Scratch.Ensure(ref _gradient, s.OutChannels * taps * c).AsSpan(0, s.OutChannels * taps * c);
        gradient.Clear();
        // ∂C/∂w′[o,t,·] = Σ_(n,y,x) δ[n,o,y,x]·x′[n, pixel of t, ·], channels-last.
        for (int n = 0; n < s.Batch; n++)
            for (int o = 0; o < s.OutChannels; o++)
                for (int oy = 0, q = 0; oy < g.OutHeight; oy++)
                    for (int ox = 0; ox < g.OutWidth; ox++, q++)
                    {
                        float d = dy[(n * s.OutChannels + o) * p + q];
                        for (int t = 0; t < taps; t += run)
                        {
                            var row = gradient.Slice((o * taps + t) * c, run * c);
                            TensorPrimitives.MultiplyAdd(image.AsSpan(Pixel(g, hp, wp, n, oy, ox, t), run * c), d, row, row);
                        }
                    }
        for (int o = 0; o < s.OutChannels; o++)
            for (int ci = 0; ci < c; ci++)
                for (int t = 0; t < taps; t++)
                    weightGradient[(o * c + ci) * taps + t] += gradient[(o * taps + t) * c + ci];
    }

    /// <summary>inputGradient[N×C×H×W] = wᵀ ⋆ δ (overwritten).</summary>
    public unsafe void InputGradient(in ConvolutionGeometry s, ReadOnlySpan<float> dy, ReadOnlySpan<float> weight, Span<float> inputGradient)
    {
        var g = s.Window;
        var kernel = Kernel(s, weight);
        var (hp, wp) = Padded(g);
        var image = Scratch.Ensure(ref _image, s.Batch * hp * wp * g.Channels);
        fixed (float* pi = image) fixed (float* pk = kernel) fixed (float* pd = dy) fixed (float* px = inputGradient)
            KernelLoop.For(s.Batch, Work(s), new Job(s, pi, pk, pd, px), static (j, n) => j.InputGradient(n));
    }

    /// <summary>Floats a call reads, writes and multiplies: the policy's measure of whether its images are worth sharing.</summary>
    private static long Work(in ConvolutionGeometry s) =>
        (long)s.Batch * s.OutChannels * s.Window.OutPixels * s.Window.Rows + 2 * s.InputLength;

    /// <summary>One call's operands. Images are independent in the forward product, in ∂C/∂x and in the channels-last copy,
    /// so each image's outputs are written by whichever thread takes it, in the one order, and the bits never depend on
    /// the threads. Forward: A the image, B w′, C the bias (or null), D y. ∂C/∂x: A the scratch image, B w′, C δ, D ∂C/∂x.
    /// Copy: C x, A the image.</summary>
    private readonly unsafe struct Job(ConvolutionGeometry s, float* a, float* b, float* c, float* d)
    {
        private readonly ConvolutionGeometry _s = s;

        public void Forward(int n)
        {
            var g = _s.Window;
            int ch = g.Channels, taps = g.KernelH * g.KernelW, p = g.OutPixels, run = Run(g);
            var (hp, wp) = Padded(g);
            for (int o = 0; o < _s.OutChannels; o++)
            {
                float bias = c == null ? 0f : c[o];
                for (int oy = 0, q = 0; oy < g.OutHeight; oy++)
                    for (int ox = 0; ox < g.OutWidth; ox++, q++)
                    {
                        float sum = 0f;
                        for (int t = 0; t < taps; t += run)
                            sum += TensorPrimitives.Dot(new ReadOnlySpan<float>(b + (long)(o * taps + t) * ch, run * ch),
                                new ReadOnlySpan<float>(a + Pixel(g, hp, wp, n, oy, ox, t), run * ch));
                        d[(long)(n * _s.OutChannels + o) * p + q] = sum + bias;
                    }
            }
        }

        public void InputGradient(int n)
        {
            var g = _s.Window;
            int ch = g.Channels, taps = g.KernelH * g.KernelW, p = g.OutPixels, run = Run(g);
            var (hp, wp) = Padded(g);
            var image = new Span<float>(a + (long)n * hp * wp * ch, hp * wp * ch);
            image.Clear();
            // ∂C/∂x′[n, pixel of t, ·] += δ[n,o,y,x]·w′[o,t,·]; the padding's share is dropped below.
            for (int o = 0; o < _s.OutChannels; o++)
                for (int oy = 0, q = 0; oy < g.OutHeight; oy++)
                    for (int ox = 0; ox < g.OutWidth; ox++, q++)
                    {
                        float delta = c[(long)(n * _s.OutChannels + o) * p + q];
                        for (int t = 0; t < taps; t += run)
                        {
                            var pixels = new Span<float>(a + Pixel(g, hp, wp, n, oy, ox, t), run * ch);
                            TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(b + (long)(o * taps + t) * ch, run * ch), delta, pixels, pixels);
                        }
                    }
            for (int ci = 0; ci < ch; ci++)
                for (int yy = 0; yy < g.Height; yy++)
                    for (int xx = 0; xx < g.Width; xx++)
                        d[((long)(n * ch + ci) * g.Height + yy) * g.Width + xx] = a[((long)(n * hp + yy + g.PadH) * wp + xx + g.PadW) * ch + ci];
        }

        public void Copy(int n)
        {
            var g = _s.Window;
            var (hp, wp) = Padded(g);
            int ch = g.Channels;
            new Span<float>(a + (long)n * hp * wp * ch, hp * wp * ch).Clear();
            for (int ci = 0; ci < ch; ci++)
                for (int yy = 0; yy < g.Height; yy++)
                    for (int xx = 0; xx < g.Width; xx++)
                        a[((long)(n * hp + yy + g.PadH) * wp + xx + g.PadW) * ch + ci] = c[((long)(n * ch + ci) * g.Height + yy) * g.Width + xx];
        }
    }

    private static (int H, int W) Padded(Im2ColGeometry g) =>
        (Math.Max(g.Height + 2 * g.PadH, (g.OutHeight - 1) * g.StrideH + (g.KernelH - 1) * g.DilationH + 1),
         Math.Max(g.Width + 2 * g.PadW, (g.OutWidth - 1) * g.StrideW + (g.KernelW - 1) * g.DilationW + 1));

    /// <summary>Taps taken in one dot or multiply-add: a kernel row's when its taps are adjacent pixels (dilation 1), whose
    /// channels-last floats then follow each other in the image as in w′.</summary>
    private static int Run(Im2ColGeometry g) => g.DilationW == 1 ? g.KernelW : 1;

    /// <summary>Offset in the channels-last padded image [N×hp×wp×C] of the pixel that tap t of output (oy, ox) reads.</summary>
    private static int Pixel(Im2ColGeometry g, int hp, int wp, int n, int oy, int ox, int t)
    {
        int i = t / g.KernelW, j = t % g.KernelW;
        return ((n * hp + oy * g.StrideH + i * g.DilationH) * wp + ox * g.StrideW + j * g.DilationW) * g.Channels;
    }

    /// <summary>x [N×C×H×W] into the zero-padded channels-last copy [N×H′×W′×C], an image per piece.</summary>
    private unsafe float[] ChannelsLast(in ConvolutionGeometry s, ReadOnlySpan<float> x)
    {
        var g = s.Window;
        var (hp, wp) = Padded(g);
        var image = Scratch.Ensure(ref _image, s.Batch * hp * wp * g.Channels);
        fixed (float* pi = image) fixed (float* px = x)
            KernelLoop.For(s.Batch, 2 * s.InputLength, new Job(s, pi, null, px, null), static (j, n) => j.Copy(n));
        return image;
    }

    /// <summary>w [O×C×kH×kW] as w′ [O×kH×kW×C].</summary>
    private float[] Kernel(in ConvolutionGeometry s, ReadOnlySpan<float> weight)
    {
        var g = s.Window;
        int c = g.Channels, taps = g.KernelH * g.KernelW;
        var kernel = Scratch.Ensure(ref _kernel, s.OutChannels * taps * c);
        for (int o = 0; o < s.OutChannels; o++)
            for (int ci = 0; ci < c; ci++)
                for (int t = 0; t < taps; t++)
                    kernel[(o * taps + t) * c + ci] = weight[(o * c + ci) * taps + t];
        return kernel;
    }
}
