namespace NeuralPipelines.Models.Kernels;

/// <summary><see cref="BatchNormChannels"/>' training and inference sweeps as passes over the NCHW tensor in memory order,
/// each plane through <see cref="BatchNormSweeps"/>, the planes shared between threads in runs of neighbours; the
/// per-plane sums are added per channel in image order between the passes (one thread, N·C values).</summary>
/// <remarks>
/// Statistics: one pass gives each plane its sum and its squares about its own mean; the channel's are then
/// Σ = Σᵢ sumᵢ and M₂ = Σᵢ (M₂ᵢ + n·(meanᵢ − μ)²) in double (Chan et al.'s pairwise update), so no plane loses digits to
/// a large |μ| and x is read once for both. Backward: one pass for Σδ, Σδ·x̂ (writing δ through the activation's
/// derivative first when fused), one for ∂C/∂x.
/// </remarks>
internal static unsafe class BatchNormPasses
{
    /// <summary>Runs of neighbouring planes handed to the threads: enough for two or more threads to share unevenly
    /// loaded cores, few enough that each run is a long stretch of memory.</summary>
    private const int Runs = 32;

    // Per-plane sums (two floats a plane), then three floats a channel for backward's ∂C/∂x coefficients; the caller's
    // thread owns it for the call.
    [ThreadStatic] private static float[]? _sums;

    public static void NormalizeTraining(float* x, int batch, int channels, int plane, float* gamma, float* beta, float epsilon,
        float* mean, float* variance, float* unbiased, float* inverseStd, float* y, PlaneActivation activation, float* activated)
    {
        int planes = batch * channels;
        var sums = Scratch.Ensure(ref _sums, 2 * planes + 3 * channels);
        fixed (float* ps = sums)
        {
            var pass = new Pass(new Shape(batch, channels, plane), x, y, activated, null, null, null, ps, gamma, beta, mean, inverseStd, activation);
            KernelLoop.ForRuns(pass.Shape.Planes, Runs, pass.Shape.Work, pass, static (p, from, to) => p.Moments(from, to));
            long count = (long)batch * plane;
            for (int ch = 0; ch < channels; ch++)
            {
                double sum = 0;
                for (int i = 0; i < batch; i++) sum += ps[2 * (i * channels + ch)];
                double mu = sum / count, m2 = 0;
                for (int i = 0; i < batch; i++)
                {
                    float* at = ps + 2 * (i * channels + ch);
                    double d = at[0] / plane - mu;
                    m2 += at[1] + plane * d * d;
                }
                mean[ch] = (float)mu;
                variance[ch] = (float)(m2 / count);
                unbiased[ch] = (float)(m2 / (count - 1));
                inverseStd[ch] = 1f / MathF.Sqrt(variance[ch] + epsilon);
            }
            KernelLoop.ForRuns(pass.Shape.Planes, Runs, pass.Shape.Work, pass, static (p, from, to) => p.Normalize(from, to));
        }
    }

    public static void NormalizeInference(float* x, int batch, int channels, int plane, float* gamma, float* beta, float epsilon,
        float* mean, float* variance, float* inverseStd, float* y, PlaneActivation activation, float* activated)
    {
        for (int ch = 0; ch < channels; ch++) inverseStd[ch] = 1f / MathF.Sqrt(variance[ch] + epsilon);
        var pass = new Pass(new Shape(batch, channels, plane), x, y, activated, null, null, null, null, gamma, beta, mean, inverseStd, activation);
        KernelLoop.ForRuns(pass.Shape.Planes, Runs, pass.Shape.Work, pass, static (p, from, to) => p.Normalize(from, to));
    }

    /// <summary>Backward: δ (written first through the activation's derivative when fused), Σδ and Σδ·x̂ per channel, ∂C/∂x.</summary>
    public static void Backward(PlaneActivation activation, float* y, float* activated, float* da, float* dy, float* x, float* mean,
        int batch, int channels, int plane, float* gamma, float* inverseStd, bool batchStatistics, float* sumDy, float* sumDyXh, float* dx)
    {
        int planes = batch * channels;
        var sums = Scratch.Ensure(ref _sums, 2 * planes + 3 * channels);
        fixed (float* ps = sums)
        {
            float* coefficients = ps + 2 * planes;
            var pass = new Pass(new Shape(batch, channels, plane), x, y, activated, da, dy, dx, ps, gamma, null, mean, inverseStd, activation);
            KernelLoop.ForRuns(pass.Shape.Planes, Runs, pass.Shape.Work, pass, static (p, from, to) => p.GradientSums(from, to));
            long count = (long)batch * plane;
            for (int ch = 0; ch < channels; ch++)
            {
                double s = 0, sx = 0;
                for (int i = 0; i < batch; i++)
                {
                    float* at = ps + 2 * (i * channels + ch);
                    s += at[0];
                    sx += at[1];
                }
                sumDy[ch] = (float)s;
                sumDyXh[ch] = (float)sx;
                // dx = γ/σ·δ + (x̂·(−γ/σ·mean(δ·x̂)) − γ/σ·mean(δ)); with fixed statistics γ/σ·δ alone.
                float scale = gamma[ch] * inverseStd[ch];
                float meanDy = (float)(s / count), meanDyXh = (float)(sx / count);
                coefficients[3 * ch] = scale;
                coefficients[3 * ch + 1] = batchStatistics ? -scale * meanDyXh : 0f;
                coefficients[3 * ch + 2] = batchStatistics ? -scale * meanDy : 0f;
            }
            pass = pass.WithCoefficients(coefficients, batchStatistics);
            KernelLoop.ForRuns(pass.Shape.Planes, Runs, pass.Shape.Work, pass, static (p, from, to) => p.InputGradient(from, to));
        }
    }

    /// <summary>[batch × channels × plane]: N·C planes of one channel each, image by image.</summary>
    private readonly struct Shape(int batch, int channels, int plane)
    {
        public int Channels => channels;
        public int Plane => plane;
        public int Planes => batch * channels;
        public long Work => (long)batch * channels * plane;
    }

    /// <summary>One call's tensors and per-channel rows; the per-plane sums at <c>sums</c>, two floats a plane.</summary>
    private readonly struct Pass(Shape shape, float* x, float* y, float* activated, float* da, float* dy, float* dx, float* sums,
        float* gamma, float* beta, float* mean, float* inverseStd, PlaneActivation activation,
        float* coefficients = null, bool batchStatistics = false)
    {
        public Shape Shape => shape;

        private readonly bool vectors = BatchNormSweeps.Vectors;

        /// <summary>This pass with ∂C/∂x's per-channel coefficients (scale, a, b: three floats a channel).</summary>
        public Pass WithCoefficients(float* rows, bool batch) =>
            new(shape, x, y, activated, da, dy, dx, sums, gamma, beta, mean, inverseStd, activation, rows, batch);

        public void Moments(int from, int to)
        {
            int n = shape.Plane;
            for (int q = from; q < to; q++)
                BatchNormSweeps.Moments(x + (long)q * n, n, vectors, out sums[2 * q], out sums[2 * q + 1]);
        }

        public void Normalize(int from, int to)
        {
            int n = shape.Plane;
            for (int q = from; q < to; q++)
            {
                int ch = q % shape.Channels;
                long at = (long)q * n;
                BatchNormSweeps.Normalize(x + at, mean[ch], inverseStd[ch], gamma[ch], beta[ch], y == null ? null : y + at, activation, activated + at, n, vectors);
            }
        }

        public void GradientSums(int from, int to)
        {
            int n = shape.Plane;
            for (int q = from; q < to; q++)
            {
                int ch = q % shape.Channels;
                long at = (long)q * n;
                BatchNormSweeps.GradientSums(dy + at, x + at, mean[ch], inverseStd[ch], activation, y + at, activated + at, da + at, n, vectors,
                    out sums[2 * q], out sums[2 * q + 1]);
            }
        }

        public void InputGradient(int from, int to)
        {
            int n = shape.Plane;
            for (int q = from; q < to; q++)
            {
                int ch = q % shape.Channels;
                long at = (long)q * n;
                float* c = coefficients + 3 * ch;
                if (batchStatistics)
                    BatchNormPlanes.InputGradientFrom(x + at, mean[ch], inverseStd[ch], dy + at, c[1], c[2], c[0], dx + at, n);
                else
                    TensorPrimitives.Multiply(new ReadOnlySpan<float>(dy + at, n), c[0], new Span<float>(dx + at, n));
            }
        }
    }
}
