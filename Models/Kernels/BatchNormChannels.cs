namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// Batch normalisation of NCHW tensors, channel by channel: the statistics μ and σ² of each channel over the batch and
/// its pixels, the normalisation x̂ = (x − μ)/√(σ² + ε) with the affine map y = γ·x̂ + β, and the backward sums Σδ, Σδ·x̂
/// with ∂C/∂x. <see cref="BatchNormChannelsReference"/> is the plain twin.
/// </summary>
/// <remarks>
/// Channels are independent, so they are shared between threads by <see cref="KernelLoop"/>'s policy (measured: a
/// 64×16×28×28 ResNet activation in two threads, 1.0 → 0.5 ms); each channel's sums are still added in one fixed order,
/// so the bits never depend on the threads. Statistics take two passes (the one-pass Σx² − (Σx)² form cancels badly
/// when |μ| ≫ σ): per-plane sums in float, the sum over planes in double. The planes themselves go through
/// <see cref="BatchNormPlanes"/>.
/// </remarks>
public static unsafe class BatchNormChannels
{
    /// <summary>Training: each channel's batch mean, biased and unbiased variance and 1/√(σ² + ε); then x̂ and
    /// y = γ·x̂ + β with them. Every span is [channels] except x, <paramref name="normalized"/> and y, [batch × channels × plane].</summary>
    public static void NormalizeTraining(ReadOnlySpan<float> x, int batch, int channels, int plane, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> beta, float epsilon, Span<float> mean, Span<float> variance, Span<float> unbiasedVariance,
        Span<float> inverseStd, Span<float> normalized, Span<float> y) =>
        NormalizeTraining(x, batch, channels, plane, gamma, beta, epsilon, mean, variance, unbiasedVariance, inverseStd, normalized, y,
            PlaneActivation.None, []);

    /// <summary><see cref="NormalizeTraining(ReadOnlySpan{float}, int, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, float, Span{float}, Span{float}, Span{float}, Span{float}, Span{float}, Span{float})"/>
    /// followed by a = σ(y) (<paramref name="activated"/>, the size of y) in the same sweep: each plane of y is activated
    /// right after it is written, while it is in cache, instead of in a second pass over the tensor.</summary>
    public static void NormalizeTraining(ReadOnlySpan<float> x, int batch, int channels, int plane, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> beta, float epsilon, Span<float> mean, Span<float> variance, Span<float> unbiasedVariance,
        Span<float> inverseStd, Span<float> normalized, Span<float> y, PlaneActivation activation, Span<float> activated)
    {
        Check("NormalizeTraining", x.Length, normalized.Length, y.Length, batch, channels, plane, gamma.Length, beta.Length,
            mean.Length, variance.Length, unbiasedVariance.Length, inverseStd.Length);
        CheckActivated("NormalizeTraining", activation, activated.Length, y.Length);
        fixed (float* px = x) fixed (float* pg = gamma) fixed (float* pb = beta) fixed (float* pm = mean) fixed (float* pv = variance)
        fixed (float* pu = unbiasedVariance) fixed (float* pi = inverseStd) fixed (float* pn = normalized) fixed (float* py = y)
        fixed (float* pa = activated)
            KernelLoop.For(channels, (long)batch * channels * plane,
                new Job(batch, channels, plane, epsilon, px, pg, pb, pm, pv, pu, pi, pn, py, new Then(activation, py, pa, null)),
                static (j, ch) => j.Train(ch));
    }

    /// <summary>Inference: x̂ and y = γ·x̂ + β with the given (running) mean and variance; 1/√(σ² + ε) into <paramref name="inverseStd"/>.</summary>
    public static void NormalizeInference(ReadOnlySpan<float> x, int batch, int channels, int plane, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> beta, float epsilon, ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, Span<float> inverseStd,
        Span<float> normalized, Span<float> y) =>
        NormalizeInference(x, batch, channels, plane, gamma, beta, epsilon, mean, variance, inverseStd, normalized, y, PlaneActivation.None, []);

    /// <summary>Inference followed by a = σ(y) in the same sweep (see the training overload).</summary>
    public static void NormalizeInference(ReadOnlySpan<float> x, int batch, int channels, int plane, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> beta, float epsilon, ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, Span<float> inverseStd,
        Span<float> normalized, Span<float> y, PlaneActivation activation, Span<float> activated)
    {
        Check("NormalizeInference", x.Length, normalized.Length, y.Length, batch, channels, plane, gamma.Length, beta.Length,
            mean.Length, variance.Length, channels, inverseStd.Length);
        CheckActivated("NormalizeInference", activation, activated.Length, y.Length);
        fixed (float* px = x) fixed (float* pg = gamma) fixed (float* pb = beta) fixed (float* pm = mean) fixed (float* pv = variance)
        fixed (float* pi = inverseStd) fixed (float* pn = normalized) fixed (float* py = y) fixed (float* pa = activated)
            KernelLoop.For(channels, (long)batch * channels * plane,
                new Job(batch, channels, plane, epsilon, px, pg, pb, pm, pv, null, pi, pn, py, new Then(activation, py, pa, null)),
                static (j, ch) => j.Infer(ch));
    }

    /// <summary>Σδ and Σδ·x̂ of each channel (∂C/∂β and ∂C/∂γ), and ∂C/∂x: with batch statistics
    /// γ/σ·(δ − mean(δ) − x̂·mean(δ·x̂)) (μ and σ depend on every x of the channel), with fixed ones γ/σ·δ.</summary>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> normalized, int batch, int channels, int plane,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> inverseStd, bool batchStatistics, Span<float> sumDy, Span<float> sumDyXh,
        Span<float> dx)
    {
        Check("Backward", dy.Length, normalized.Length, dx.Length, batch, channels, plane, gamma.Length, channels,
            inverseStd.Length, sumDy.Length, sumDyXh.Length, channels);
        fixed (float* pd = dy) fixed (float* pn = normalized) fixed (float* pg = gamma) fixed (float* pi = inverseStd)
        fixed (float* ps = sumDy) fixed (float* pp = sumDyXh) fixed (float* px = dx)
            KernelLoop.For(channels, (long)batch * channels * plane,
                new Job(batch, channels, plane, batchStatistics ? 1f : 0f, pd, pg, null, ps, pp, null, pi, pn, px, default),
                static (j, ch) => j.Back(ch));
    }

    /// <summary>Inference normalises each plane in one pass from x (<see cref="BatchNormPlanes.NormalizeFrom"/>); false
    /// takes the library subtraction and <see cref="BatchNormPlanes.Normalize"/> per plane as before (the same bits: the
    /// switch for the tests and for <c>race pix2pix --ab bn-inference</c>).</summary>
    /// <remarks>Why: a batch-64 U-Net normalises 16,384 planes of 4 floats at 2×2; two library calls per plane made that
    /// layer about 1.2 ms (3.4 CPU-ms) for 65,536 floats on a Zen 5.</remarks>
    public static bool InferenceInOnePass { get; set; } = true;

    /// <summary>The smallest plane (floats) on which a layer should take the activation's derivative inside the backward
    /// sweep: below it, one derivative call per plane costs more than the activation's own pass over the tensor saves.</summary>
    /// <remarks>Measured with <c>race fusion-pairs</c> (process CPU per call, fused and apart alternating, two runs): backward
    /// on 7×7 planes +1 % / +5 % (DCGAN's D) and +16 % / +18 % (PatchGAN), on 8×8 −13 % / +8 %, on 14×14 −11 % / −3 %, on
    /// 16×16 −22 % / −15 %; the forward sweep won on every shape (−4 % to −47 %). Both ways give the same bits.</remarks>
    public static int FusedBackwardPlane { get; set; } = 128;

    /// <summary>The backward pass through a = σ(y) and then the batch norm, in one sweep: each plane of
    /// δ_y = δ_a ⊙ σ'(y) is written to <paramref name="dy"/> and summed (Σδ, Σδ·x̂) while it is in cache; then ∂C/∂x as
    /// <see cref="Backward(ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, bool, Span{float}, Span{float}, Span{float})"/>.
    /// <paramref name="y"/> is the batch norm's output (σ's input), <paramref name="activated"/> σ(y), <paramref name="da"/> ∂C/∂a.</summary>
    public static void Backward(PlaneActivation activation, ReadOnlySpan<float> y, ReadOnlySpan<float> activated, ReadOnlySpan<float> da,
        Span<float> dy, ReadOnlySpan<float> normalized, int batch, int channels, int plane, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> inverseStd, bool batchStatistics, Span<float> sumDy, Span<float> sumDyXh, Span<float> dx)
    {
        Check("Backward", dy.Length, normalized.Length, dx.Length, batch, channels, plane, gamma.Length, channels,
            inverseStd.Length, sumDy.Length, sumDyXh.Length, channels);
        CheckActivated("Backward", activation, activated.Length, dy.Length);
        CheckActivated("Backward", activation, da.Length, dy.Length);
        CheckActivated("Backward", activation, y.Length, dy.Length);
        fixed (float* pd = dy) fixed (float* pn = normalized) fixed (float* pg = gamma) fixed (float* pi = inverseStd)
        fixed (float* ps = sumDy) fixed (float* pp = sumDyXh) fixed (float* px = dx)
        fixed (float* pz = y) fixed (float* pa = activated) fixed (float* pda = da)
            KernelLoop.For(channels, (long)batch * channels * plane,
                new Job(batch, channels, plane, batchStatistics ? 1f : 0f, pd, pg, null, ps, pp, null, pi, pn, px, new Then(activation, pz, pa, pda)),
                static (j, ch) => j.Back(ch));
    }

    private static void CheckActivated(string name, PlaneActivation activation, int length, int need)
    {
        if (!activation.IsNone && length < need)
            throw new ArgumentException($"BatchNormChannels.{name} with an activation needs {need} floats for each activated tensor, got {length}.");
    }

    private static void Check(string name, int x, int normalized, int y, int batch, int channels, int plane, params ReadOnlySpan<int> perChannel)
    {
        long need = (long)batch * channels * plane;
        bool ok = x >= need && normalized >= need && y >= need;
        foreach (int length in perChannel) ok &= length >= channels;
        if (!ok)
            throw new ArgumentException($"BatchNormChannels.{name} of [{batch}×{channels}×{plane}] needs {need} floats per tensor and " +
                                        $"{channels} per channel, got {x}, {normalized} and {y}, and [{string.Join(", ", perChannel.ToArray())}].");
    }

    /// <summary>One call's pointers. Forward: X, γ, β, μ, σ², unbiased σ², 1/σ, x̂, y. Backward: X is δ, Mean Σδ, Variance
    /// Σδ·x̂, Y ∂C/∂x, and Scalar (ε forward) is 1 when the forward pass used batch statistics.</summary>
    private readonly struct Job(int batch, int channels, int plane, float scalar, float* x, float* gamma, float* beta,
        float* mean, float* variance, float* unbiased, float* inverseStd, float* normalized, float* y, Then then)
    {
        private Span<float> Plane(float* tensor, int image, int ch) => new(tensor + ((long)image * channels + ch) * plane, plane);

        public void Train(int ch)
        {
            long count = (long)batch * plane;
            double sum = 0;
            for (int i = 0; i < batch; i++) sum += TensorPrimitives.Sum(Plane(x, i, ch));
            double mu = sum / count, sq = 0;
            for (int i = 0; i < batch; i++)
            {
                // x − μ goes through x̂'s buffer, which Normalize scales in place.
                var centred = Plane(normalized, i, ch);
                TensorPrimitives.Subtract(Plane(x, i, ch), (float)mu, centred);
                sq += TensorPrimitives.Dot(centred, centred);
            }
            mean[ch] = (float)mu;
            variance[ch] = (float)(sq / count);
            unbiased[ch] = (float)(sq / (count - 1));
            Scale(ch, variance[ch]);
        }

        public void Infer(int ch)
        {
            if (!InferenceInOnePass)
            {
                for (int i = 0; i < batch; i++) TensorPrimitives.Subtract(Plane(x, i, ch), mean[ch], Plane(normalized, i, ch));
                Scale(ch, variance[ch]);
                return;
            }
            float mu = mean[ch], inv = InverseStd(ch, variance[ch]), g = gamma[ch], b = beta[ch];
            for (int i = 0; i < batch; i++)
            {
                long at = ((long)i * channels + ch) * plane;
                BatchNormPlanes.NormalizeFrom(x + at, mu, inv, g, b, normalized + at, y + at, plane);
                Activate(i, ch);
            }
        }

        /// <summary>1/σ = 1/√(σ² + ε) of channel <paramref name="ch"/>, kept in the 1/σ row for backward: one formula for
        /// training and both inference sweeps, whose bits must agree.</summary>
        private float InverseStd(int ch, float sigma2) => inverseStd[ch] = 1f / MathF.Sqrt(sigma2 + scalar);

        /// <summary>a = σ(y) of one plane while it is in cache, when an activation follows.</summary>
        private void Activate(int image, int ch)
        {
            if (!then.Activation.IsNone) then.Activation.Forward(Plane(y, image, ch), Plane(then.Activated, image, ch));
        }

        /// <summary>x̂ = (x − μ)·(1/σ), y = γ·x̂ + β, from x − μ already in x̂'s buffer.</summary>
        private void Scale(int ch, float sigma2)
        {
            float inv = InverseStd(ch, sigma2);
            for (int i = 0; i < batch; i++)
            {
                BatchNormPlanes.Normalize(Plane(normalized, i, ch), inv, gamma[ch], beta[ch], Plane(y, i, ch));
                Activate(i, ch);
            }
        }

        public void Back(int ch)
        {
            long count = (long)batch * plane;
            double sumDy = 0, sumDyXh = 0;
            for (int i = 0; i < batch; i++)
            {
                // δ_y = δ_a ⊙ σ'(y) into δ's plane, summed below while it is in cache.
                if (!then.Activation.IsNone)
                    then.Activation.Backward(Plane(then.PreActivation, i, ch), Plane(then.Activated, i, ch), Plane(then.ActivatedGradient, i, ch), Plane(x, i, ch));
                sumDy += TensorPrimitives.Sum(Plane(x, i, ch));
                sumDyXh += TensorPrimitives.Dot(Plane(x, i, ch), Plane(normalized, i, ch));
            }
            mean[ch] = (float)sumDy;
            variance[ch] = (float)sumDyXh;
            float scale = gamma[ch] * inverseStd[ch];
            float meanDy = (float)(sumDy / count), meanDyXh = (float)(sumDyXh / count);
            for (int i = 0; i < batch; i++)
                if (scalar != 0f)
                    // One sweep: dx = γ/σ·δ + (x̂·(−γ/σ·mean(δ·x̂)) − γ/σ·mean(δ)).
                    BatchNormPlanes.InputGradient(Plane(normalized, i, ch), Plane(x, i, ch), -scale * meanDyXh, -scale * meanDy, scale, Plane(y, i, ch));
                else
                    TensorPrimitives.Multiply(Plane(x, i, ch), scale, Plane(y, i, ch));
        }
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
