namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// A convolution and its two gradients through column matrices of a few images at a time: im2col of one chunk of the
/// batch, a product on the calling thread, the chunk's result written out, next chunk. For layers with many taps per
/// output (DCGAN's 64→128 4×4 stride-2 layers: 1024), where the direct kernels do not apply.
/// </summary>
/// <remarks>
/// Why: the column matrix of the whole batch is [C·kH·kW × N·OH·OW] — 12.8 MB for DCGAN's 64→128 layer at batch 64 —
/// and the layer wrote it, packed it and read it back; its products also ran on the thread team, which on a busy
/// machine backs off to one thread. A chunk's columns (about 4 MB: 16 of those images) are written and read while still
/// in cache, and the GEMM on the chunk's shapes ran at 105–148 GFLOP per CPU-second against 55–75 on the whole batch's.
/// Measured on an Intel Xeon (AVX-512, 2 MB L2; <c>race conv-kernels --threads 1</c>, CPU-ms per call for the 64→128
/// layer): forward 14.9 → 8.6–10.8, ∂C/∂w 11.0–13.2 → 9.6–11.0, ∂C/∂x 16.7–21.2 → 8.7 (with <see cref="PhaseFold"/>).
/// A whole DCGAN step took 14% less wall time on that machine when quiet (155 against 181 ms, <c>race gan --ab</c>),
/// 0–6% less CPU time when busy (the 12.8 MB fit its L3, so the whole-batch route was not bound by memory there).
/// Chunks are handed to threads as they ask (a thread that wakes late takes fewer), each with its own pack buffers
/// and scratch.
/// Bits: the chunking depends on the geometry and the batch only, never on the thread count. The output and ∂C/∂x of
/// each chunk are its own (each element one product chain, the same as through the whole-batch product); ∂C/∂w is
/// summed per chunk into its own partial, and the partials are added in chunk order.
/// The plain twins are <see cref="DirectConv2dReference"/>'s three definitions.
/// </remarks>
public static unsafe class Im2ColChunks
{
    /// <summary>Target size of one chunk's column matrix in floats (1.6 MB, under a 2 MB L2): 8 of DCGAN's images. Chunks
    /// of 16 (4 MB) came first; in three runs of <c>race conv-kernels --threads 1</c> (busy machine, 2026-11-30 04:14–04:47)
    /// chunks of 8 took 9.8–11.3 against 11.7–13.5 CPU-ms forward, 9.2–10.4 against 12.7–14.3 for ∂C/∂x, and about the
    /// same for ∂C/∂w; eight chunks also share out more evenly over two threads than four.</summary>
    private const long ChunkFloats = 400 * 1024;

    /// <summary>Whole-batch column floats from which the route is taken (measured when chunks were 4 MB: at least two
    /// of them; kept when the chunks shrank, so the same layers take the route).</summary>
    private const long RouteFloats = 2L << 20;

    /// <summary>True where this route beats the column matrix of the whole batch: more taps than the direct kernels take
    /// (640; for a product no direct kernel takes, <paramref name="noDirectKernel"/>, more than
    /// <see cref="Convolution.ColumnFreeTaps"/>) and a whole-batch column matrix of at least <see cref="RouteFloats"/>.</summary>
    public static bool Suits(Im2ColGeometry g, int batch, bool noDirectKernel = false) =>
        Enabled && g.Rows > (noDirectKernel ? Convolution.ColumnFreeTaps : 640) && (long)g.Rows * g.OutPixels * batch >= RouteFloats;

    /// <summary>Whether the forward product and ∂C/∂x, which this route would take, go through the whole batch's column
    /// matrix instead because the kernel is too large to stay in a core's L2 (more than <see cref="MaxStreamedKernel"/>
    /// floats): every chunk's product streams all of it again. PatchGAN's 256→512 4×4 layer (2 M floats, eight chunks of
    /// two images at batch 16): forward 13.65 against 9.3 + 1.0 ms (product and unfold of the whole batch), ∂C/∂x 12.68
    /// against 9.74 (<c>race conv-layer --layer 256,512,8,4,1,1,16</c>, two threads). The same bits: each column is the
    /// same k steps either way. Off for A/B timing (<c>race pix2pix --ab large-kernels</c>).</summary>
    public static bool WholeBatchForLargeKernels { get; set; } = true;

    /// <summary>The largest kernel (O·C·kH·kW floats) whose products still go by chunks: 1 MB.</summary>
    public const long MaxStreamedKernel = 1 << 18;

    /// <summary>Whether a layer of <paramref name="outChannels"/> × this geometry's taps takes the whole batch's columns
    /// for its products (<see cref="WholeBatchForLargeKernels"/>).</summary>
    public static bool KernelTooLarge(Im2ColGeometry g, int outChannels) =>
        WholeBatchForLargeKernels && (long)outChannels * g.Rows > MaxStreamedKernel;

    /// <summary>Whether ∂C/∂x (and so a transposed layer's forward product) takes this route: as <see cref="Suits"/> for
    /// a product no direct kernel takes, or with <see cref="AnyTaps"/> at any tap count from a whole-batch column matrix
    /// of two chunks whose products stay wide (<see cref="MinChunkColumns"/>).</summary>
    public static bool SuitsInputGradient(Im2ColGeometry g, int batch) =>
        Suits(g, batch, noDirectKernel: true)
        || AnyTaps && Enabled && (long)g.Rows * g.OutPixels * batch >= 2 * ChunkFloats
           && (long)ImagesPerChunk(g, batch) * g.OutPixels >= MinChunkColumns;

    /// <summary>Columns (positions) a chunk's product needs for <see cref="AnyTaps"/>: pix2pix's transposed layer from
    /// 2×2 (4,096 taps, 4 positions an image) cut into chunks of 22 images ran its 88-column products at half the speed of
    /// the whole batch's 256 (10.2 against 5.8 ms at batch 64), where ResNet-8's layers have 637 to 2,548 a chunk.</summary>
    private const int MinChunkColumns = 512;

    /// <summary>∂C/∂x by chunks whatever the layer's taps (true), or only above <see cref="Convolution.ColumnFreeTaps"/>
    /// as before (false: for the tests and <c>--ab chunks-any-taps</c> of the races). Both give the same bits: each
    /// column of wᵀ·δ is one k step over the output channels, and each image is folded alone either way.</summary>
    /// <remarks>Why: ResNet-8's 3×3 layers on 7×7 planes and its stride-2 layers have no direct ∂C/∂x kernel and fewer
    /// than 384 taps (or a column matrix under the old 2 M floats), so they wrote the whole batch's columns (3.6–7.2 MB)
    /// and folded them back from memory: 1.05–1.50 ms a product on a Zen 5 against 0.76–1.05 ms by chunks that stay in
    /// L2 (<c>race conv-layer</c>); the ResNet-8 step 1.03–1.05× in process A/Bs, the DCGAN's and pix2pix's level.</remarks>
    public static bool AnyTaps { get; set; } = true;

    /// <summary>Set to false to time the layers' whole-batch column route instead (<c>race gan --ab</c>).</summary>
    public static bool Enabled { get; set; } = true;

    /// <summary>Images per chunk: the batch cut into equal chunks of about <see cref="ChunkFloats"/> column floats, unless
    /// <paramref name="imagesPerChunk"/> (as every method here takes it; tests set it to cut small batches) is positive.</summary>
    public static int ImagesPerChunk(Im2ColGeometry g, int batch, int imagesPerChunk = 0)
    {
        if (imagesPerChunk > 0) return imagesPerChunk;
        if (batch <= 0) return 1;
        long total = (long)g.Rows * g.OutPixels * batch;
        int chunks = (int)Math.Clamp((total + ChunkFloats - 1) / ChunkFloats, 1, batch);
        return (batch + chunks - 1) / chunks;
    }

    private static int ChunkCount(Im2ColGeometry g, int batch, int imagesPerChunk) =>
        batch <= 0 ? 0 : (batch + ImagesPerChunk(g, batch, imagesPerChunk) - 1) / ImagesPerChunk(g, batch, imagesPerChunk);

    /// <summary>Floats of the workspace <see cref="AccumulateWeightGradient"/> needs: one [O × C·kH·kW] partial per chunk.</summary>
    public static int WorkspaceLength(Im2ColGeometry g, int outChannels, int batch, int imagesPerChunk = 0) =>
        ChunkCount(g, batch, imagesPerChunk) * outChannels * g.Rows;

    // Per-thread column matrix and [O × chunk positions] matrix of one chunk, reused so a steady-state pass allocates none.
    [ThreadStatic] private static float[]? _columns, _matrix;

    // The caller's weights packed whole for the GEMM (PacksWeightsOnce), read by every chunk's product on any thread.
    [ThreadStatic] private static float[]? _packedWeights;

    /// <summary>Whether the forward product and ∂C/∂x pack the weights for the GEMM once per call, before the chunks, instead
    /// of once in every chunk's product (false: the plain twin, for the tests and <c>race gan --ab pack-once</c>). Packing
    /// copies, so both give the same bits.</summary>
    /// <remarks>Why: every chunk multiplies the same weights (DCGAN's 64→128 layer: 128 K floats, transposed for ∂C/∂x)
    /// by its own columns, so eight chunks packed them eight times.</remarks>
    public static bool PacksWeightsOnce { get; set; } = true;

    /// <summary>op(w) packed whole on the caller's buffer when the chunks are shared out and <see cref="PacksWeightsOnce"/>;
    /// else empty (each chunk's product packs its own).</summary>
    private static float[]? PackedWeights(int chunks, bool transA, int m, int k, float* w, int lda)
    {
        if (chunks <= 1 || !PacksWeightsOnce) return null;
        var packed = Scratch.Ensure(ref _packedWeights, Gemm.PackedWholeLength(m, k));
        fixed (float* p = packed) Gemm.PackWhole(transA, m, k, w, lda, p);
        return packed;
    }

    /// <summary>output[N×O×OH×OW] = conv(images[N×C×H×W], weight[O×C×kH×kW]) + bias[O] (no bias when empty).</summary>
    public static void Forward(ReadOnlySpan<float> images, int batch, Im2ColGeometry g, ReadOnlySpan<float> weight, int outChannels,
        ReadOnlySpan<float> bias, Span<float> output, int imagesPerChunk = 0)
    {
        long needOut = (long)batch * outChannels * g.OutPixels;
        if (images.Length < (long)batch * g.ImageLength || weight.Length < outChannels * g.Rows || output.Length < needOut
            || (bias.Length != 0 && bias.Length < outChannels))
            throw new ArgumentException(
                $"Im2ColChunks.Forward of {batch}×[{g.Channels}×{g.Height}×{g.Width}] → {outChannels} channels needs {(long)batch * g.ImageLength} image, " +
                $"{outChannels * g.Rows} weight and {needOut} output floats; got {images.Length}, {weight.Length} and {output.Length}.");
        int per = ImagesPerChunk(g, batch, imagesPerChunk), chunks = ChunkCount(g, batch, imagesPerChunk), p = g.OutPixels, rows = g.Rows;
        fixed (float* px = images) fixed (float* pw = weight) fixed (float* pb = bias) fixed (float* py = output)
        fixed (float* pa = PackedWeights(chunks, false, outChannels, rows, pw, rows))
        {
            Run(chunks, new Job(g, batch, per, chunks, outChannels, px, pw, py, bias.Length == 0 ? null : pb, pa), static (j, chunk) =>
            {
                int n0 = chunk * j.Per, count = Math.Min(j.Per, j.Batch - n0), p = j.G.OutPixels, rows = j.G.Rows, cols = count * p;
                var columns = Scratch.Ensure(ref _columns, rows * cols);
                var z = Scratch.Ensure(ref _matrix, j.OutChannels * cols);
                fixed (float* pc = columns) Im2Col.UnfoldSerial(j.Source + (long)n0 * j.G.ImageLength, count, j.G, pc);
                // z = w·a for the chunk's positions.
                var w = new ReadOnlySpan<float>(j.Second, j.OutChannels * rows);
                if (j.PackedA != null) Gemm.MultiplyAlonePacked(false, false, j.OutChannels, cols, rows, w, rows, j.PackedA, columns, cols, z, cols);
                else Product(j.Chunks, false, false, j.OutChannels, cols, rows, w, rows, columns, cols, z, cols);
                // [O × chunk positions] to NCHW, adding b.
                float* y = j.Target + (long)n0 * j.OutChannels * p;
                for (int i = 0; i < count; i++)
                    for (int o = 0; o < j.OutChannels; o++)
                    {
                        var src = new ReadOnlySpan<float>(z, o * cols + i * p, p);
                        var dst = new Span<float>(y + ((long)i * j.OutChannels + o) * p, p);
                        if (j.Bias == null) src.CopyTo(dst);
                        else TensorPrimitives.Add(src, j.Bias[o], dst);
                    }
            });
        }
    }

    /// <summary>weightGradient[O×C×kH×kW] += Σ_n δ[n]·im2col(images[n])ᵀ, from images [N×C×H×W] and gradients δ [N×O×OH×OW];
    /// <paramref name="workspace"/> holds <see cref="WorkspaceLength"/> floats.</summary>
    public static void AccumulateWeightGradient(ReadOnlySpan<float> images, ReadOnlySpan<float> gradients, int batch, Im2ColGeometry g,
        int outChannels, Span<float> weightGradient, Span<float> workspace, int imagesPerChunk = 0)
    {
        long needX = (long)batch * g.ImageLength, needDy = (long)batch * outChannels * g.OutPixels;
        int rows = g.Rows, slot = outChannels * rows;
        if (images.Length < needX || gradients.Length < needDy || weightGradient.Length < slot
            || workspace.Length < WorkspaceLength(g, outChannels, batch, imagesPerChunk))
            throw new ArgumentException(
                $"Im2ColChunks.AccumulateWeightGradient of {batch}×[{g.Channels}×{g.Height}×{g.Width}] → {outChannels} channels needs {needX} image, " +
                $"{needDy} gradient, {slot} weight-gradient and {WorkspaceLength(g, outChannels, batch, imagesPerChunk)} workspace floats; " +
                $"got {images.Length}, {gradients.Length}, {weightGradient.Length} and {workspace.Length}.");
        if (batch == 0) return;
        int per = ImagesPerChunk(g, batch, imagesPerChunk), chunks = ChunkCount(g, batch, imagesPerChunk), p = g.OutPixels;
        fixed (float* px = images) fixed (float* pd = gradients) fixed (float* pw = workspace)
        {
            Run(chunks, new Job(g, batch, per, chunks, outChannels, px, pd, pw, null), static (j, chunk) =>
            {
                int n0 = chunk * j.Per, count = Math.Min(j.Per, j.Batch - n0), p = j.G.OutPixels, rows = j.G.Rows, cols = count * p;
                int slot = j.OutChannels * rows;
                var columns = Scratch.Ensure(ref _columns, rows * cols);
                fixed (float* pc = columns) Im2Col.UnfoldSerial(j.Source + (long)n0 * j.G.ImageLength, count, j.G, pc);
                float* chunkDelta = j.Second + (long)n0 * j.OutChannels * p;
                var partial = new Span<float>(j.Target + (long)chunk * slot, slot);
                // This chunk's ∂C/∂w = δ·aᵀ, into its own partial (δ's panels packed from NCHW, or from a gathered copy).
                if (Convolution.PacksDeltaFromImages)
                    Gemm.MultiplyImagesA(j.OutChannels, rows, cols, new ReadOnlySpan<float>(chunkDelta, j.OutChannels * cols), p, true,
                        columns, cols, partial, rows, mayUseTeam: j.Chunks == 1);
                else
                {
                    var delta = Scratch.Ensure(ref _matrix, j.OutChannels * cols);
                    Gather(chunkDelta, count, j.OutChannels, p, delta);
                    Product(j.Chunks, false, true, j.OutChannels, rows, cols, delta, cols, columns, cols, partial, rows);
                }
            });
        }
        for (int c = 0; c < chunks; c++)
            TensorPrimitives.Add(weightGradient[..slot], workspace.Slice(c * slot, slot), weightGradient[..slot]);
    }

    /// <summary>inputGradient[N×C×H×W] = col2im(wᵀ·δ), the ∂C/∂x of the convolution g with weight [O×C×kH×kW], from
    /// δ = gradients [N×O×OH×OW]. Read forwards, the same operation is a transposed convolution without its bias.</summary>
    public static void InputGradient(ReadOnlySpan<float> gradients, int batch, Im2ColGeometry g, ReadOnlySpan<float> weight, int outChannels,
        Span<float> inputGradient, int imagesPerChunk = 0)
    {
        long needDy = (long)batch * outChannels * g.OutPixels, needDx = (long)batch * g.ImageLength;
        int rows = g.Rows;
        if (gradients.Length < needDy || weight.Length < outChannels * rows || inputGradient.Length < needDx)
            throw new ArgumentException(
                $"Im2ColChunks.InputGradient of {batch}×[{g.Channels}×{g.Height}×{g.Width}] ← {outChannels} channels needs {needDy} gradient, " +
                $"{outChannels * rows} weight and {needDx} input-gradient floats; got {gradients.Length}, {weight.Length} and {inputGradient.Length}.");
        int per = ImagesPerChunk(g, batch, imagesPerChunk), chunks = ChunkCount(g, batch, imagesPerChunk), p = g.OutPixels;
        fixed (float* pd = gradients) fixed (float* pw = weight) fixed (float* px = inputGradient)
        fixed (float* pa = Convolution.PacksDeltaFromImages ? PackedWeights(chunks, true, rows, outChannels, pw, rows) : null)
        {
            Run(chunks, new Job(g, batch, per, chunks, outChannels, pd, pw, px, null, pa), static (j, chunk) =>
            {
                int n0 = chunk * j.Per, count = Math.Min(j.Per, j.Batch - n0), p = j.G.OutPixels, rows = j.G.Rows, cols = count * p;
                var columns = Scratch.Ensure(ref _columns, rows * cols);
                var w = new ReadOnlySpan<float>(j.Second, j.OutChannels * rows);
                float* chunkDelta = j.Source + (long)n0 * j.OutChannels * p;
                // ∂C/∂a = wᵀ·δ in column form (δ's panels packed from NCHW, or from a gathered copy: the plain twin), then
                // col2im into the chunk's images.
                if (j.PackedA != null)
                    Gemm.MultiplyImagesBPacked(true, rows, cols, j.OutChannels, w, rows, j.PackedA,
                        new ReadOnlySpan<float>(chunkDelta, j.OutChannels * cols), p, columns, cols);
                else if (Convolution.PacksDeltaFromImages)
                    Gemm.MultiplyImagesB(true, rows, cols, j.OutChannels, w, rows, new ReadOnlySpan<float>(chunkDelta, j.OutChannels * cols), p,
                        columns, cols, mayUseTeam: j.Chunks == 1);
                else
                {
                    var delta = Scratch.Ensure(ref _matrix, j.OutChannels * cols);
                    Gather(chunkDelta, count, j.OutChannels, p, delta);
                    Product(j.Chunks, true, false, rows, cols, j.OutChannels, w, rows, delta, cols, columns, cols);
                }
                fixed (float* pc = columns) Im2Col.FoldSerial(pc, count, j.G, j.Target + (long)n0 * j.G.ImageLength);
            });
        }
    }

    /// <summary>δ of <paramref name="count"/> images [count×O×P] (NCHW) gathered to [O × count·P].</summary>
    private static void Gather(float* gradients, int count, int outChannels, int p, float[] matrix)
    {
        int cols = count * p;
        for (int i = 0; i < count; i++)
            for (int o = 0; o < outChannels; o++)
                new ReadOnlySpan<float>(gradients + ((long)i * outChannels + o) * p, p).CopyTo(matrix.AsSpan(o * cols + i * p, p));
    }

    /// <summary>One chunk's product: alone on this thread when the chunks are shared out, with the team when there is only one.</summary>
    private static void Product(int chunks, bool transA, bool transB, int m, int n, int k, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc)
    {
        if (chunks > 1) Gemm.MultiplyAlone(transA, transB, m, n, k, a, lda, b, ldb, c, ldc);
        else Gemm.Multiply(transA, transB, m, n, k, a, lda, b, ldb, c, ldc);
    }

    /// <summary>What one chunk needs: the geometry, the cut of the batch and three buffers (what the method reads first, what
    /// it reads second, what it writes), plus the bias or null, and the weights packed whole for the GEMM or null.</summary>
    private readonly struct Job(Im2ColGeometry g, int batch, int per, int chunks, int outChannels,
        float* source, float* second, float* target, float* bias, float* packedA = null)
    {
        public readonly Im2ColGeometry G = g;
        public readonly int Batch = batch, Per = per, Chunks = chunks, OutChannels = outChannels;
        public readonly float* Source = source, Second = second, Target = target, Bias = bias, PackedA = packedA;
    }

    /// <summary>Chunks handed out to threads as they ask (<see cref="KernelLoop"/>); all on the caller when there is one
    /// chunk or one thread. Every chunk holds far more than <see cref="KernelLoop.SerialWork"/>.</summary>
    private static void Run(int chunks, Job job, Action<Job, int> one) => KernelLoop.For(chunks, long.MaxValue, job, one);
}
