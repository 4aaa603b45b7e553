using System.Runtime.InteropServices;

namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// Batch normalisation of NCHW tensors: the statistics μ and σ² of each channel over the batch and its pixels, the
/// normalisation x̂ = (x − μ)/√(σ² + ε) with the affine map y = γ·x̂ + β, and the backward sums Σδ, Σδ·x̂ with ∂C/∂x.
/// <see cref="BatchNormChannelsReference"/> is the plain twin.
/// </summary>
/// <remarks>
/// Two routes. By default each pass walks the tensor in memory order (<see cref="BatchNormPasses"/>: per-plane sums, then
/// per channel in image order; see there why). The channel-by-channel route below stays for tensors that overlap (the
/// passes write a plane's last partial vector twice) and for A/B timing (<see cref="InMemoryOrderPasses"/>): channels
/// shared between threads by <see cref="KernelLoop"/>'s policy, each channel's sums added in one fixed order, the
/// statistics in two passes (the one-pass Σx² − (Σx)² form cancels badly when |μ| ≫ σ: per-plane sums in float, the sum
/// over planes in double), the planes through <see cref="BatchNormPlanes"/>. On either route the bits never depend on the
/// threads.
/// x̂ is never stored: backward recomputes it from the forward pass's input, μ and 1/σ, with the bits the forward pass
/// had. Why: a stored x̂ was one more tensor written per layer in the forward pass (through the cache to memory, on
/// ResNet-8's 3.2 MB activations) and kept until backward; the input is kept anyway, by the layer before.
/// </remarks>
public static unsafe class BatchNormChannels
{
    /// <summary>Training: each channel's batch mean, biased and unbiased variance and 1/√(σ² + ε); then
    /// y = γ·x̂ + β with x̂ = (x − μ)/σ. Every span is [channels] except x and y, [batch × channels × plane]. x̂ is not
    /// kept: <see cref="Backward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, bool, Span{float}, Span{float}, Span{float})"/>
    /// recomputes it from x, μ and 1/σ with the same bits.</summary>
    public static void NormalizeTraining(ReadOnlySpan<float> x, int batch, int channels, int plane, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> beta, float epsilon, Span<float> mean, Span<float> variance, Span<float> unbiasedVariance,
        Span<float> inverseStd, Span<float> y) =>
        NormalizeTraining(x, batch, channels, plane, gamma, beta, epsilon, mean, variance, unbiasedVariance, inverseStd, y,
            PlaneActivation.None, []);

    /// <summary><see cref="NormalizeTraining(ReadOnlySpan{float}, int, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, float, Span{float}, Span{float}, Span{float}, Span{float}, Span{float})"/>
    /// followed by a = σ(y) (<paramref name="activated"/>, the size of y) in the same sweep: each plane of y is activated
    /// right after it is written, while it is in cache, instead of in a second pass over the tensor.</summary>
    public static void NormalizeTraining(ReadOnlySpan<float> x, int batch, int channels, int plane, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> beta, float epsilon, Span<float> mean, Span<float> variance, Span<float> unbiasedVariance,
        Span<float> inverseStd, Span<float> y, PlaneActivation activation, Span<float> activated)
    {
        Check("NormalizeTraining", x.Length, Kept(y, activation, x.Length), batch, channels, plane, gamma.Length, beta.Length,
            mean.Length, variance.Length, unbiasedVariance.Length, inverseStd.Length);
        CheckActivated("NormalizeTraining", activation, activated.Length, x.Length);
        fixed (float* px = x) fixed (float* pg = gamma) fixed (float* pb = beta) fixed (float* pm = mean) fixed (float* pv = variance)
        fixed (float* pu = unbiasedVariance) fixed (float* pi = inverseStd) fixed (float* py = y) fixed (float* pa = activated)
            if (InMemoryOrder(x, y) && InMemoryOrder(x, activated) && InMemoryOrder(y, activated))
                BatchNormPasses.NormalizeTraining(px, batch, channels, plane, pg, pb, epsilon, pm, pv, pu, pi, py, activation, pa);
            else
            KernelLoop.For(channels, (long)batch * channels * plane,
                new Forwards(new Layout(batch, channels, plane), epsilon, px, pg, pb, pm, pv, pu, pi, YOrA(py, pa), new Then(activation, YOrA(py, pa), pa, null)),
                static (j, ch) => j.Train(ch));
    }

    /// <summary>Inference: y = γ·x̂ + β with the given (running) mean and variance; 1/√(σ² + ε) into <paramref name="inverseStd"/>.</summary>
    public static void NormalizeInference(ReadOnlySpan<float> x, int batch, int channels, int plane, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> beta, float epsilon, ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, Span<float> inverseStd,
        Span<float> y) =>
        NormalizeInference(x, batch, channels, plane, gamma, beta, epsilon, mean, variance, inverseStd, y, PlaneActivation.None, []);

    /// <summary>Inference followed by a = σ(y) in the same sweep (see the training overload).</summary>
    public static void NormalizeInference(ReadOnlySpan<float> x, int batch, int channels, int plane, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> beta, float epsilon, ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, Span<float> inverseStd,
        Span<float> y, PlaneActivation activation, Span<float> activated)
    {
        Check("NormalizeInference", x.Length, Kept(y, activation, x.Length), batch, channels, plane, gamma.Length, beta.Length,
            mean.Length, variance.Length, inverseStd.Length);
        CheckActivated("NormalizeInference", activation, activated.Length, x.Length);
        fixed (float* px = x) fixed (float* pg = gamma) fixed (float* pb = beta) fixed (float* pm = mean) fixed (float* pv = variance)
        fixed (float* pi = inverseStd) fixed (float* py = y) fixed (float* pa = activated)
            if (InMemoryOrder(x, y) && InMemoryOrder(x, activated) && InMemoryOrder(y, activated))
                BatchNormPasses.NormalizeInference(px, batch, channels, plane, pg, pb, epsilon, pm, pv, pi, py, activation, pa);
            else
            KernelLoop.For(channels, (long)batch * channels * plane,
                new Forwards(new Layout(batch, channels, plane), epsilon, px, pg, pb, pm, pv, null, pi, YOrA(py, pa), new Then(activation, YOrA(py, pa), pa, null)),
                static (j, ch) => j.Infer(ch));
    }

    /// <summary>Σδ and Σδ·x̂ of each channel (∂C/∂β and ∂C/∂γ), and ∂C/∂x: with batch statistics
    /// γ/σ·(δ − mean(δ) − x̂·mean(δ·x̂)) (μ and σ depend on every x of the channel), with fixed ones γ/σ·δ. x̂ = (x − μ)·(1/σ)
    /// is recomputed from the forward pass's input x, its <paramref name="mean"/> and <paramref name="inverseStd"/>.</summary>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> mean, int batch, int channels, int plane,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> inverseStd, bool batchStatistics, Span<float> sumDy, Span<float> sumDyXh,
        Span<float> dx) =>
        // δ is written only to apply an activation's derivative, and there is none here.
        Backward(PlaneActivation.None, [], [], [], MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(dy), dy.Length), x, mean,
            batch, channels, plane, gamma, inverseStd, batchStatistics, sumDy, sumDyXh, dx);

    /// <summary>The smallest plane (floats) on which a layer should take the activation's derivative inside the backward
    /// sweep: below it, one derivative call per plane costs more than the activation's own pass over the tensor saves.</summary>
    /// <remarks>0: every plane. It was 128 while the sweep went channel by channel with library calls per plane (then fused
    /// backward on 7×7 cost +1 % to +18 %); with the passes in memory order (<see cref="InMemoryOrderPasses"/>) fusing wins
    /// on the small planes too (<c>race fusion-pairs --ab fused-backward</c>, wall per call: DCGAN's D 7×7 248 against 282 µs,
    /// PatchGAN 8×8 87 against 99, 7×7 134 against 154; 14×14 and 16×16 level). Both ways give the same bits.</remarks>
    public static int FusedBackwardPlane { get; set; } = 0;

    /// <summary>The backward pass through a = σ(y) and then the batch norm, in one sweep: each plane of
    /// δ_y = δ_a ⊙ σ'(y) is written to <paramref name="dy"/> and summed (Σδ, Σδ·x̂) while it is in cache; then ∂C/∂x as
    /// <see cref="Backward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, bool, Span{float}, Span{float}, Span{float})"/>.
    /// <paramref name="y"/> is the batch norm's output (σ's input), <paramref name="activated"/> σ(y), <paramref name="da"/> ∂C/∂a
    /// (all three empty with <see cref="PlaneActivation.None"/>, when <paramref name="dy"/> is only read).</summary>
    public static void Backward(PlaneActivation activation, ReadOnlySpan<float> y, ReadOnlySpan<float> activated, ReadOnlySpan<float> da,
        Span<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> mean, int batch, int channels, int plane, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> inverseStd, bool batchStatistics, Span<float> sumDy, Span<float> sumDyXh, Span<float> dx)
    {
        Check("Backward", dy.Length, x.Length, batch, channels, plane, mean.Length, gamma.Length, inverseStd.Length, sumDy.Length, sumDyXh.Length);
        CheckGradient(dx.Length, batch, channels, plane);
        CheckActivated("Backward", activation, activated.Length, dy.Length);
        CheckActivated("Backward", activation, da.Length, dy.Length);
        CheckActivated("Backward", activation, Kept(y, activation, dy.Length), dy.Length);
        fixed (float* pd = dy) fixed (float* px = x) fixed (float* pm = mean) fixed (float* pg = gamma) fixed (float* pi = inverseStd)
        fixed (float* ps = sumDy) fixed (float* pp = sumDyXh) fixed (float* pdx = dx)
        fixed (float* pz = y) fixed (float* pa = activated) fixed (float* pda = da)
            if (InMemoryOrder(dy, da) && InMemoryOrder(dy, y) && InMemoryOrder(dy, activated))
                BatchNormPasses.Backward(activation, pz, pa, pda, pd, px, pm, batch, channels, plane, pg, pi, batchStatistics, ps, pp, pdx);
            else
            KernelLoop.For(channels, (long)batch * channels * plane,
                new Backwards(new Layout(batch, channels, plane), batchStatistics, pd, px, pm, pg, pi, ps, pp, pdx, new Then(activation, YOrA(pz, pa), pa, pda)),
                static (j, ch) => j.Back(ch));
    }

    /// <summary>Whether each channel's passes run in memory order through <see cref="BatchNormPasses"/> rather than channel by
    /// channel with library calls plane by plane, the earlier route kept for A/B timing (<c>race fusion-pairs --ab
    /// bn-sweeps</c>) and for tensors that overlap (the passes write a plane's last partial vector twice).</summary>
    public static bool InMemoryOrderPasses { get; set; } = true;

    /// <summary><see cref="InMemoryOrderPasses"/>, and <paramref name="written"/> does not overlap <paramref name="other"/> (or
    /// one of them is empty).</summary>
    private static bool InMemoryOrder(ReadOnlySpan<float> other, ReadOnlySpan<float> written) =>
        InMemoryOrderPasses && (other.IsEmpty || written.IsEmpty || !other.Overlaps(written));

    private static void CheckGradient(int length, int batch, int channels, int plane)
    {
        if (length < (long)batch * channels * plane)
            throw new ArgumentException($"BatchNormChannels.Backward of [{batch}×{channels}×{plane}] needs {(long)batch * channels * plane} floats of ∂C/∂x, got {length}.");
    }

    /// <summary>The length y is checked at: σ's input y may be left out (empty) where nothing reads it, after a ReLU, whose
    /// derivative reads a alone: then the sweep writes a only, one tensor fewer through the cache to memory.</summary>
    private static int Kept(ReadOnlySpan<float> y, PlaneActivation activation, int need)
    {
        if (!y.IsEmpty || need == 0 || activation.IsNone) return y.Length;
        if (!activation.IsRectifier)
            throw new ArgumentException("BatchNormChannels: y may be left out only before a ReLU (its derivative reads a alone); this activation reads y.");
        return need;
    }

    /// <summary>Where the channel-by-channel route writes and reads y: y itself, or, where y was left out (before a ReLU),
    /// a, which the ReLU then computes in place from it.</summary>
    private static float* YOrA(float* y, float* a) => y == null ? a : y;

    private static void CheckActivated(string name, PlaneActivation activation, int length, int need)
    {
        if (!activation.IsNone && length < need)
            throw new ArgumentException($"BatchNormChannels.{name} with an activation needs {need} floats for each activated tensor, got {length}.");
    }

    private static void Check(string name, int first, int second, int batch, int channels, int plane, params ReadOnlySpan<int> perChannel)
    {
        long need = (long)batch * channels * plane;
        bool ok = first >= need && second >= need;
        foreach (int length in perChannel) ok &= length >= channels;
        if (!ok)
            throw new ArgumentException($"BatchNormChannels.{name} of [{batch}×{channels}×{plane}] needs {need} floats per tensor and " +
                                        $"{channels} per channel, got {first} and {second}, and [{string.Join(", ", perChannel.ToArray())}].");
    }

    // One plane of x − μ or x̂ per thread: the statistics and the backward sums read it from L1 instead of a whole tensor of
    // x̂ written in the forward pass and read back (the layer keeps none).
    [ThreadStatic] private static float[]? _plane;

    /// <summary>This thread's buffer of one plane.</summary>
    private static Span<float> PlaneBuffer(int plane) => Scratch.Ensure(ref _plane, plane).AsSpan(0, plane);

    /// <summary>One forward call's pointers: x, γ, β, μ, σ², unbiased σ² (null in inference), 1/σ, y, and ε.</summary>
    private readonly struct Forwards(Layout shape, float epsilon, float* x, float* gamma, float* beta,
        float* mean, float* variance, float* unbiased, float* inverseStd, float* y, Then then)
    {
        public void Train(int ch)
        {
            long count = shape.Count;
            double sum = 0;
            for (int i = 0; i < shape.Batch; i++) sum += TensorPrimitives.Sum(shape.Plane(x, i, ch));
            double mu = sum / count, sq = 0;
            var centred = PlaneBuffer(shape.Length);
            for (int i = 0; i < shape.Batch; i++)
            {
                TensorPrimitives.Subtract(shape.Plane(x, i, ch), (float)mu, centred);
                sq += TensorPrimitives.Dot(centred, centred);
            }
            mean[ch] = (float)mu;
            variance[ch] = (float)(sq / count);
            unbiased[ch] = (float)(sq / (count - 1));
            Normalize(ch);
        }

        public void Infer(int ch) => Normalize(ch);

        /// <summary>y = γ·(x − μ)·(1/σ) + β plane by plane, each activated while it is in cache when an activation follows;
        /// 1/σ = 1/√(σ² + ε) kept in the 1/σ row for backward: one formula for training and inference.</summary>
        private void Normalize(int ch)
        {
            float mu = mean[ch], inv = inverseStd[ch] = 1f / MathF.Sqrt(variance[ch] + epsilon), g = gamma[ch], b = beta[ch];
            for (int i = 0; i < shape.Batch; i++)
            {
                long at = shape.At(i, ch);
                BatchNormPlanes.NormalizeFrom(x + at, mu, inv, g, b, y + at, shape.Length);
                if (!then.Activation.IsNone) then.Activation.Forward(shape.Plane(y, i, ch), shape.Plane(then.Activated, i, ch));
            }
        }
    }

    /// <summary>One backward call's pointers: δ (written first when an activation's derivative comes before), the forward
    /// pass's x, μ and 1/σ, γ, the sums Σδ and Σδ·x̂, ∂C/∂x; and whether the forward pass used batch statistics.</summary>
    private readonly struct Backwards(Layout shape, bool batchStatistics, float* dy, float* x, float* mean,
        float* gamma, float* inverseStd, float* sumDy, float* sumDyXh, float* dx, Then then)
    {
        public void Back(int ch)
        {
            long count = shape.Count;
            float mu = mean[ch], inv = inverseStd[ch];
            double s = 0, sx = 0;
            var normalized = PlaneBuffer(shape.Length);
            fixed (float* pn = normalized)
                for (int i = 0; i < shape.Batch; i++)
                {
                    // δ_y = δ_a ⊙ σ'(y) into δ's plane, summed below while it is in cache.
                    if (!then.Activation.IsNone)
                        then.Activation.Backward(shape.Plane(then.PreActivation, i, ch), shape.Plane(then.Activated, i, ch),
                            shape.Plane(then.ActivatedGradient, i, ch), shape.Plane(dy, i, ch));
                    s += TensorPrimitives.Sum(shape.Plane(dy, i, ch));
                    BatchNormPlanes.Normalized(x + shape.At(i, ch), mu, inv, pn, shape.Length);
                    sx += TensorPrimitives.Dot(shape.Plane(dy, i, ch), normalized);
                }
            sumDy[ch] = (float)s;
            sumDyXh[ch] = (float)sx;
            float scale = gamma[ch] * inv;
            float meanDy = (float)(s / count), meanDyXh = (float)(sx / count);
            for (int i = 0; i < shape.Batch; i++)
            {
                long at = shape.At(i, ch);
                if (batchStatistics)
                    // One sweep: dx = γ/σ·δ + (x̂·(−γ/σ·mean(δ·x̂)) − γ/σ·mean(δ)).
                    BatchNormPlanes.InputGradientFrom(x + at, mu, inv, dy + at, -scale * meanDyXh, -scale * meanDy, scale, dx + at, shape.Length);
                else
                    TensorPrimitives.Multiply(shape.Plane(dy, i, ch), scale, shape.Plane(dx, i, ch));
            }
        }
    }

    /// <summary>[batch × channels × plane]: where plane (image, channel) starts, and its floats.</summary>
    private readonly struct Layout(int batch, int channels, int plane)
    {
        public int Batch => batch;
        public int Length => plane;
        /// <summary>Values per channel over the batch.</summary>
        public long Count => (long)batch * plane;
        public long At(int image, int ch) => ((long)image * channels + ch) * plane;
        public Span<float> Plane(float* tensor, int image, int ch) => new(tensor + At(image, ch), plane);
    }

    /// <summary>The activation that follows the batch norm in the same sweep: σ, its input y (the batch norm's output),
    /// its output a, and (backward) ∂C/∂a. <see cref="PlaneActivation.None"/> for batch normalisation alone.</summary>
    private readonly struct Then(PlaneActivation activation, float* preActivation, float* activated, float* activatedGradient)
    {
        public PlaneActivation Activation => activation;
        public float* PreActivation => preActivation;
        public float* Activated => activated;
        public float* ActivatedGradient => activatedGradient;
    }
}
