using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// A strided 1×1 convolution without padding (a ResNet's projection shortcut), image by image: the input subsampled into
/// [C × P] (P output pixels, rows padded to whole vectors), then one small product per image: z = w·x̃ + b,
/// ∂C/∂w = Σ_n δ_n·x̃_nᵀ, ∂C/∂x̃ = wᵀ·δ_n spread back onto every stride-th pixel with zeros between.
/// </summary>
/// <remarks>
/// <para>Why: such a layer does a few MFLOP on a few MB, and the general routes spent their time on layout: ResNet-8's
/// 16→32 shortcut (28×28, stride 2, batch 64, 13 MFLOP a product) took 0.33 ms forward by the direct kernel (strided
/// reads), 0.31 ms for ∂C/∂w (the GEMM of 32 rows reducing 12 544 columns) and 0.36 ms for ∂C/∂x (GEMM, then a fold of
/// the whole-batch column matrix). Here each image's subsampled input, δ and ∂C/∂x̃ stay in L1 while they are used.</para>
/// <para>Bits: every output and ∂C/∂x entry is one fused multiply-add chain over the channels in order (from b, or from
/// zero); ∂C/∂w is summed by groups of four images (16-lane partial sums over their pixels in image order, reduced in a
/// fixed order), and the groups' partials are added in group order. Images are shared between threads, so the bits never
/// depend on the threads. At 256 bits (no AVX-512) the products run as the tiles of <c>PointwiseConvNarrow.cs</c>, each
/// 16-lane sum as two 8-lane halves: the same chains, so both widths give the same bits. The plain twin is
/// <see cref="DirectConv2dReference"/>'s definition.</para>
/// </remarks>
public sealed unsafe partial class PointwiseConv
{
    /// <summary>Set to false to time the earlier routes (A/B: <c>race-cnn resnet --ab pointwise</c>).</summary>
    public static bool Enabled { get; set; } = true;

    private const int Lanes = 16;

    /// <summary>The most floats of one image's padded channels (the larger of C and O, times P rounded up to whole
    /// vectors): an image's operands must stay in a core's L1/L2 while its product runs.</summary>
    public const long MaxImageFloats = 1 << 16;

    /// <summary>512-bit or 256-bit (AVX2 and FMA) kernels on, a 1×1 kernel without padding and a stride above 1, and an
    /// image small enough (<see cref="MaxImageFloats"/>).</summary>
    public static bool Suits(in ConvolutionGeometry s)
    {
        var g = s.Window;
        return Enabled && SimdWidth.Current != SimdPath.Scalar && Avx2.IsSupported && Fma.IsSupported
               && g.KernelH == 1 && g.KernelW == 1 && g.PadH == 0 && g.PadW == 0 && (g.StrideH > 1 || g.StrideW > 1)
               && (long)Math.Max(g.Channels, s.OutChannels) * Padded(g.OutPixels) <= MaxImageFloats;
    }

    /// <summary>Whether the products run at 512 bits (else at 256: <see cref="Suits"/> declines the scalar path, and
    /// <see cref="SimdWidth.Current"/> is 512 only where AVX-512 is).</summary>
    private static bool Wide => SimdWidth.Current == SimdPath.Vector512;

    private static int Padded(int pixels) => (pixels + Lanes - 1) / Lanes * Lanes;

    // _columns: the last Forward's subsampled input [N × C × P′]; _partials: each group's ∂C/∂w [⌈N/4⌉ × O × C];
    // _transposed: wᵀ [C × O] for ∂C/∂x.
    private float[]? _columns, _partials, _transposed;
    // A group's δ [4 × O × P′] and subsampled input [4 × C × P′] (one image's δ and ∂C/∂x̃ for ∂C/∂x), per thread.
    [ThreadStatic] private static float[]? t_delta, t_image;

    /// <summary>y[N×O×OH×OW] = w ⋆ x + b (no bias when empty); keeps the subsampled input for a
    /// <see cref="WeightGradient"/> with <c>sameInput</c>.</summary>
    public void Forward(in ConvolutionGeometry s, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y)
    {
        s.Check("PointwiseConv", x.Length, y.Length, weight.Length);
        var g = s.Window;
        int c = g.Channels, pp = Padded(g.OutPixels);
        var columns = Scratch.Ensure(ref _columns, checked(s.Batch * c * pp));
        fixed (float* px = x, pw = weight, pb = bias, py = y, pc = columns)
        {
            var images = new Images(g, s.OutChannels, px, pw, bias.IsEmpty ? null : pb, py, pc, null, null, s.Batch);
            KernelLoop.For(s.Batch, Work(s), images, static (j, n) => j.Forward(n));
        }
    }

    /// <summary>weightGradient[O×C] += δ ⋆ x; <paramref name="sameInput"/>: x is the input of the last
    /// <see cref="Forward"/> on this instance, whose subsampled copy is read instead of subsampling again.</summary>
    public void WeightGradient(in ConvolutionGeometry s, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> weightGradient, bool sameInput)
    {
        s.Check("PointwiseConv", x.Length, dy.Length, weightGradient.Length);
        var g = s.Window;
        if (s.Batch == 0) return;
        int c = g.Channels, o = s.OutChannels, oc = o * c, groups = (s.Batch + Group - 1) / Group;
        var partials = Scratch.Ensure(ref _partials, checked(groups * oc));
        if (sameInput && (_columns is null || _columns.Length < (long)s.Batch * c * Padded(g.OutPixels))) sameInput = false;
        fixed (float* px = x, pd = dy, pp = partials, pc = _columns)
        {
            var images = new Images(g, o, px, null, null, null, sameInput ? pc : null, pd, pp, s.Batch);
            KernelLoop.For(groups, Work(s), images, static (j, i) => j.WeightGradient(i));
        }
        // The groups' partials added in group order, runs of entries shared between threads.
        fixed (float* pp = partials, pg = weightGradient)
            KernelLoop.ForRuns(oc, 8, (long)groups * oc, (Partials: (nint)pp, Gradient: (nint)pg, Groups: groups, Length: oc),
                static (t, from, to) =>
                {
                    var sum = new Span<float>((float*)t.Partials + from, to - from);
                    for (int i = 1; i < t.Groups; i++)
                        TensorPrimitives.Add(sum, new ReadOnlySpan<float>((float*)t.Partials + (long)i * t.Length + from, to - from), sum);
                    var gradient = new Span<float>((float*)t.Gradient + from, to - from);
                    TensorPrimitives.Add(gradient, sum, gradient);
                });
    }

    /// <summary>Images whose ∂C/∂w is summed in one set of registers before the lanes are reduced: a fixed number, so
    /// that the bits do not depend on the threads. Why not one image: on 7×7 planes a tile reduced its sixteen
    /// accumulators after four FMAs each (ResNet-8's 32→64 shortcut 0.28 ms).</summary>
    private const int Group = 4;

    /// <summary>inputGradient[N×C×H×W] = wᵀ ⋆ δ, every pixel written (zero where no output pixel reads it); with
    /// <paramref name="adding"/>, inputGradient += wᵀ ⋆ δ, only the pixels some output reads touched.</summary>
    /// <remarks>Why adding: a projection shortcut's ∂C/∂x joins the block body's (<c>Residual</c>); written out, three
    /// quarters of it are zeros stored and then added, two more passes over the block's input size.</remarks>
    public void InputGradient(in ConvolutionGeometry s, ReadOnlySpan<float> dy, ReadOnlySpan<float> weight, Span<float> inputGradient, bool adding = false)
    {
        s.Check("PointwiseConv", inputGradient.Length, dy.Length, weight.Length);
        var g = s.Window;
        int c = g.Channels, o = s.OutChannels;
        var transposed = Scratch.Ensure(ref _transposed, o * c);
        fixed (float* pd = dy, pw = transposed, pdx = inputGradient, pwo = weight)
        {
            GemmTranspose.MatrixAtWidth(pwo, o, c, pw);
            var images = new Images(g, o, pdx, pw, null, null, null, pd, null, s.Batch);
            KernelLoop.For(s.Batch, Work(s), (Images: images, Adding: adding), static (j, n) => j.Images.InputGradient(n, j.Adding));
        }
    }

    private static long Work(in ConvolutionGeometry s) =>
        (long)s.Batch * (s.Window.ImageLength + (long)s.OutChannels * s.OutPixels * (1 + 2 * s.Window.Channels));

    /// <summary>The operands of one call; each method does one image. <c>x</c> is the input (∂C/∂x for
    /// <see cref="InputGradient"/>), <c>w</c> the weights [O × C] (wᵀ [C × O] for ∂C/∂x).</summary>
    private readonly struct Images(Im2ColGeometry g, int outChannels, float* x, float* w, float* bias, float* y, float* columns, float* dy, float* partials, int batch)
    {
        private int Pixels => g.OutPixels;

        private int Stride => Padded(g.OutPixels);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Forward(int n)
        {
            int c = g.Channels;
            float* image = columns + (long)n * c * Stride;
            Subsample(x + (long)n * g.ImageLength, image);
            if (Wide) Product(w, c, outChannels, c, image, Stride, bias, y + (long)n * outChannels * Pixels, Pixels, Pixels);
            else ProductNarrow(w, c, outChannels, c, image, Stride, bias, y + (long)n * outChannels * Pixels, Pixels, Pixels);
        }

        /// <summary>Group <paramref name="i"/>'s ∂C/∂w: images [Group·i, Group·i + Group) ∩ the batch.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void WeightGradient(int i)
        {
            int c = g.Channels, n0 = i * Group, count = Math.Min(Group, batch - n0);
            fixed (float* scratch = Scratch.Ensure(ref t_image, Group * c * Stride))
            fixed (float* delta = Scratch.Ensure(ref t_delta, Group * outChannels * Stride))
            {
                float* images = columns + (long)n0 * c * Stride;
                if (columns == null)
                    for (int n = 0; n < count; n++) Subsample(x + (long)(n0 + n) * g.ImageLength, (images = scratch) + (long)n * c * Stride);
                for (int n = 0; n < count; n++)
                    PadRows(dy + (long)(n0 + n) * outChannels * Pixels, outChannels, delta + (long)n * outChannels * Stride);
                if (Wide) Dots(delta, outChannels, images, c, Stride, count, partials + (long)i * outChannels * c);
                else DotsNarrow(delta, outChannels, images, c, Stride, count, partials + (long)i * outChannels * c);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void InputGradient(int n, bool adding)
        {
            int c = g.Channels;
            fixed (float* delta = Scratch.Ensure(ref t_delta, outChannels * Stride))
            fixed (float* product = Scratch.Ensure(ref t_image, c * Stride))
            {
                PadRows(dy + (long)n * outChannels * Pixels, outChannels, delta);
                if (Wide) Product(w, outChannels, c, outChannels, delta, Stride, null, product, Stride, Stride);
                else ProductNarrow(w, outChannels, c, outChannels, delta, Stride, null, product, Stride, Stride);
                float* dx = x + (long)n * g.ImageLength;
                if (adding) AddToPixels(product, dx);
                else
                    for (int ch = 0; ch < c; ch++)
                        PointFold.Plane(product + (long)ch * Stride, g, dx + (long)ch * g.Height * g.Width);
            }
        }

        /// <summary>x[ch, oy·sh, ox·sw] += product[ch, oy·OW + ox]: one image's ∂C/∂x̃ added onto the pixels it came from.</summary>
        /// <remarks>One at a time: spread onto stride-2 pixels sixteen at a time (permutes with −0 between, masked loads and
        /// stores) timed the same in a ResNet-8 step (<c>race-cnn resnet</c>, A/B, Zen 5): the adds wait on memory.</remarks>
        private void AddToPixels(float* product, float* x)
        {
            int sh = g.StrideH, sw = g.StrideW, oh = g.OutHeight, ow = g.OutWidth, w = g.Width, plane = g.Height * w;
            for (int ch = 0; ch < g.Channels; ch++)
            {
                float* from = product + (long)ch * Stride, to = x + (long)ch * plane;
                for (int oy = 0; oy < oh; oy++, from += ow)
                {
                    float* row = to + (long)oy * sh * w;
                    for (int ox = 0; ox < ow; ox++) row[ox * sw] += from[ox];
                }
            }
        }

        /// <summary>image [C × P′] = every stride-th pixel of x's planes, zero past P.</summary>
        private void Subsample(float* image, float* to)
        {
            int sh = g.StrideH, sw = g.StrideW, oh = g.OutHeight, ow = g.OutWidth, w = g.Width, plane = g.Height * w;
            bool wide = Wide;
            var evens = wide ? Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30) : default;
            for (int ch = 0; ch < g.Channels; ch++)
            {
                float* from = image + (long)ch * plane, row = to + (long)ch * Stride;
                for (int oy = 0; oy < oh; oy++, row += ow)
                {
                    int start = oy * sh * w, ox = 0;
                    // Stride 2: 32 floats read (inside the plane), their even lanes kept.
                    if (wide && sw == 2)
                        for (; ox < ow && start + 2 * ox + 2 * Lanes <= plane; ox += Lanes)
                        {
                            var v = Avx512F.PermuteVar16x32x2(Vector512.Load(from + start + 2 * ox), evens, Vector512.Load(from + start + 2 * ox + Lanes));
                            MaskedLanes.Store(row + ox, v, ow - ox);
                        }
                    for (; ox < ow; ox++) row[ox] = from[start + ox * sw];
                }
                new Span<float>(to + (long)ch * Stride + Pixels, Stride - Pixels).Clear();
            }
        }

        /// <summary>to [rows × P′] = rows of P floats, zero past P: whole vectors, then the last one loaded masked (zeros
        /// past P) and stored whole.</summary>
        private void PadRows(float* from, int rows, float* to)
        {
            int pixels = Pixels, stride = Stride, whole = pixels / Lanes * Lanes;
            if (!Wide)
            {
                for (int r = 0; r < rows; r++, from += pixels, to += stride)
                {
                    new ReadOnlySpan<float>(from, pixels).CopyTo(new Span<float>(to, pixels));
                    new Span<float>(to + pixels, stride - pixels).Clear();
                }
                return;
            }
            var tail = MaskedLanes.First(pixels - whole);
            for (int r = 0; r < rows; r++, from += pixels, to += stride)
            {
                for (int p = 0; p < whole; p += Lanes) Vector512.Load(from + p).Store(to + p);
                if (whole < stride) Avx512F.MaskLoad(from + whole, tail, Vector512<float>.Zero).Store(to + whole);
            }
        }
    }

    /// <summary>c[r, j] = bias[r] + Σ_q a[r, q]·b[q, j] for rows r &lt; m and columns j &lt; <paramref name="valid"/>;
    /// b's rows are whole vectors (<paramref name="ldb"/> of them, zero past the valid ones). Four rows by up to four
    /// vectors at a time.</summary>
    private static void Product(float* a, int lda, int m, int k, float* b, int ldb, float* bias, float* c, int ldc, int valid)
    {
        for (int r = 0; r < m; r += 4)
        {
            int rows = Math.Min(4, m - r);
            float* a0 = a + (long)r * lda, a1 = rows > 1 ? a0 + lda : a0, a2 = rows > 2 ? a0 + 2 * lda : a0, a3 = rows > 3 ? a0 + 3 * lda : a0;
            var b0 = bias == null ? default : Vector512.Create(bias[r]);
            var b1 = bias == null || rows < 2 ? default : Vector512.Create(bias[r + 1]);
            var b2 = bias == null || rows < 3 ? default : Vector512.Create(bias[r + 2]);
            var b3 = bias == null || rows < 4 ? default : Vector512.Create(bias[r + 3]);
            int j = 0;
            for (; j + 4 * Lanes <= ldb; j += 4 * Lanes)
                Tile4x4(a0, a1, a2, a3, k, b + j, ldb, b0, b1, b2, b3, c + (long)r * ldc + j, ldc, rows, valid - j);
            for (; j < ldb; j += Lanes)
                Tile4x1(a0, a1, a2, a3, k, b + j, ldb, b0, b1, b2, b3, c + (long)r * ldc + j, ldc, rows, valid - j);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x4(float* a0, float* a1, float* a2, float* a3, int k, float* b, int ldb,
        Vector512<float> b0, Vector512<float> b1, Vector512<float> b2, Vector512<float> b3, float* c, int ldc, int rows, int valid)
    {
        Vector512<float> c00 = b0, c01 = b0, c02 = b0, c03 = b0, c10 = b1, c11 = b1, c12 = b1, c13 = b1;
        Vector512<float> c20 = b2, c21 = b2, c22 = b2, c23 = b2, c30 = b3, c31 = b3, c32 = b3, c33 = b3;
        for (int q = 0; q < k; q++, b += ldb)
        {
            var v0 = Vector512.Load(b); var v1 = Vector512.Load(b + Lanes); var v2 = Vector512.Load(b + 2 * Lanes); var v3 = Vector512.Load(b + 3 * Lanes);
            Vector512<float> s;
            s = Vector512.Create(a0[q]); c00 = Vector512.FusedMultiplyAdd(s, v0, c00); c01 = Vector512.FusedMultiplyAdd(s, v1, c01); c02 = Vector512.FusedMultiplyAdd(s, v2, c02); c03 = Vector512.FusedMultiplyAdd(s, v3, c03);
            s = Vector512.Create(a1[q]); c10 = Vector512.FusedMultiplyAdd(s, v0, c10); c11 = Vector512.FusedMultiplyAdd(s, v1, c11); c12 = Vector512.FusedMultiplyAdd(s, v2, c12); c13 = Vector512.FusedMultiplyAdd(s, v3, c13);
            s = Vector512.Create(a2[q]); c20 = Vector512.FusedMultiplyAdd(s, v0, c20); c21 = Vector512.FusedMultiplyAdd(s, v1, c21); c22 = Vector512.FusedMultiplyAdd(s, v2, c22); c23 = Vector512.FusedMultiplyAdd(s, v3, c23);
            s = Vector512.Create(a3[q]); c30 = Vector512.FusedMultiplyAdd(s, v0, c30); c31 = Vector512.FusedMultiplyAdd(s, v1, c31); c32 = Vector512.FusedMultiplyAdd(s, v2, c32); c33 = Vector512.FusedMultiplyAdd(s, v3, c33);
        }
        StoreRow(c, c00, c01, c02, c03, valid);
        if (rows > 1) StoreRow(c + ldc, c10, c11, c12, c13, valid);
        if (rows > 2) StoreRow(c + 2 * ldc, c20, c21, c22, c23, valid);
        if (rows > 3) StoreRow(c + 3 * ldc, c30, c31, c32, c33, valid);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x1(float* a0, float* a1, float* a2, float* a3, int k, float* b, int ldb,
        Vector512<float> c0, Vector512<float> c1, Vector512<float> c2, Vector512<float> c3, float* c, int ldc, int rows, int valid)
    {
        for (int q = 0; q < k; q++, b += ldb)
        {
            var v = Vector512.Load(b);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a0[q]), v, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(a1[q]), v, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(a2[q]), v, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(a3[q]), v, c3);
        }
        MaskedLanes.Store(c, c0, valid);
        if (rows > 1) MaskedLanes.Store(c + ldc, c1, valid);
        if (rows > 2) MaskedLanes.Store(c + 2 * ldc, c2, valid);
        if (rows > 3) MaskedLanes.Store(c + 3 * ldc, c3, valid);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* c, Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, Vector512<float> v3, int valid)
    {
        MaskedLanes.Store(c, v0, valid); MaskedLanes.Store(c + Lanes, v1, valid - Lanes); MaskedLanes.Store(c + 2 * Lanes, v2, valid - 2 * Lanes); MaskedLanes.Store(c + 3 * Lanes, v3, valid - 3 * Lanes);
    }


    /// <summary>d[i, j] = Σ_n Σ_p a_n[i, p]·b_n[j, p] for i &lt; m, j &lt; n over <paramref name="images"/> pairs of
    /// matrices a_n [m × length], b_n [n × length] stored one after the other (rows of whole vectors), four by four:
    /// sixteen 16-lane partial sums, each reduced once at the end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dots(float* a, int m, float* b, int n, int length, int images, float* d)
    {
        long aImage = (long)m * length, bImage = (long)n * length;
        for (int i = 0; i < m; i += 4)
        {
            int rows = Math.Min(4, m - i);
            long a1 = rows > 1 ? length : 0, a2 = rows > 2 ? 2 * length : 0, a3 = rows > 3 ? 3 * length : 0;
            for (int j = 0; j < n; j += 4)
            {
                int cols = Math.Min(4, n - j);
                long b1 = cols > 1 ? length : 0, b2 = cols > 2 ? 2 * length : 0, b3 = cols > 3 ? 3 * length : 0;
                Vector512<float> s00 = default, s01 = default, s02 = default, s03 = default, s10 = default, s11 = default, s12 = default, s13 = default;
                Vector512<float> s20 = default, s21 = default, s22 = default, s23 = default, s30 = default, s31 = default, s32 = default, s33 = default;
                for (int image = 0; image < images; image++)
                {
                    float* ar = a + image * aImage + (long)i * length, br = b + image * bImage + (long)j * length;
                    for (int p = 0; p < length; p += Lanes, ar += Lanes, br += Lanes)
                    {
                        var x0 = Vector512.Load(br); var x1 = Vector512.Load(br + b1); var x2 = Vector512.Load(br + b2); var x3 = Vector512.Load(br + b3);
                        Vector512<float> v;
                        v = Vector512.Load(ar); s00 = Vector512.FusedMultiplyAdd(v, x0, s00); s01 = Vector512.FusedMultiplyAdd(v, x1, s01); s02 = Vector512.FusedMultiplyAdd(v, x2, s02); s03 = Vector512.FusedMultiplyAdd(v, x3, s03);
                        v = Vector512.Load(ar + a1); s10 = Vector512.FusedMultiplyAdd(v, x0, s10); s11 = Vector512.FusedMultiplyAdd(v, x1, s11); s12 = Vector512.FusedMultiplyAdd(v, x2, s12); s13 = Vector512.FusedMultiplyAdd(v, x3, s13);
                        v = Vector512.Load(ar + a2); s20 = Vector512.FusedMultiplyAdd(v, x0, s20); s21 = Vector512.FusedMultiplyAdd(v, x1, s21); s22 = Vector512.FusedMultiplyAdd(v, x2, s22); s23 = Vector512.FusedMultiplyAdd(v, x3, s23);
                        v = Vector512.Load(ar + a3); s30 = Vector512.FusedMultiplyAdd(v, x0, s30); s31 = Vector512.FusedMultiplyAdd(v, x1, s31); s32 = Vector512.FusedMultiplyAdd(v, x2, s32); s33 = Vector512.FusedMultiplyAdd(v, x3, s33);
                    }
                }
                float* row = d + (long)i * n + j;
                StoreSums(row, s00, s01, s02, s03, cols);
                if (rows > 1) StoreSums(row + n, s10, s11, s12, s13, cols);
                if (rows > 2) StoreSums(row + 2 * n, s20, s21, s22, s23, cols);
                if (rows > 3) StoreSums(row + 3 * n, s30, s31, s32, s33, cols);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreSums(float* d, Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3, int cols)
    {
        d[0] = SumOfLanes(s0.GetLower(), s0.GetUpper());
        if (cols > 1) d[1] = SumOfLanes(s1.GetLower(), s1.GetUpper());
        if (cols > 2) d[2] = SumOfLanes(s2.GetLower(), s2.GetUpper());
        if (cols > 3) d[3] = SumOfLanes(s3.GetLower(), s3.GetUpper());
    }
}
