using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Tests.Kernels.Fuzz;

/// <summary>The kernels that fuse an activation into another pass (batch norm + ReLU / leaky ReLU forward and backward, a
/// U-Net level's join + its first activation), the concatenation's pieces, Adam's update and the MMD's Gaussian kernel
/// sums: each against its plain twin, and each fused sweep's bits against the same kernels run apart.</summary>
public sealed partial class ElementwiseFuzz
{
    /// <summary>One of the fused, optimiser and distance kernels, or one of the layout kernels (<see cref="Layouts"/>).</summary>
    public static ElementwiseFuzz RandomMore(Random rng) => rng.Next(6) switch
    {
        0 or 1 => FusedBatchNorm(rng),
        2 => Joins(rng),
        3 => Adam(rng),
        4 => KernelSums(rng),
        _ => Layouts(rng),
    };

    private static ElementwiseFuzz FusedBatchNorm(Random rng)
    {
        int batch = rng.Next(1, 8), channels = rng.Next(1, 40), plane = rng.Pick(1, 2, 4, 7, 8, 9, 15, 16, 17, 49, 63, 64, 65, rng.Next(1, 200));
        int length = batch * channels * plane;
        var x = Offset(FuzzRun.Values(rng, length), 3f, 2f);
        var da = FuzzRun.Values(rng, length);
        var gamma = FuzzRun.Values(rng, channels);
        var beta = FuzzRun.Values(rng, channels);
        bool training = rng.Next(2) == 0, leaky = rng.Next(2) == 0;
        // y may be left out before a ReLU (its derivative reads a alone); in place (δ over ∂C/∂a) takes the channel route.
        bool keepY = leaky || rng.Next(2) == 0, inPlace = rng.Next(3) == 0;
        var activation = leaky ? PlaneActivation.Leaky(rng.Pick(0.2f, 0.01f)) : PlaneActivation.Rectifier;
        var runningMean = Offset(FuzzRun.Values(rng, channels), 3f, 1f);
        var runningVar = Offset(FuzzRun.Values(rng, channels), 4f, 1f);
        var f = new ElementwiseFuzz($"batch norm + {(leaky ? "leaky ReLU" : "ReLU")} ({(training ? "training" : "inference")}, y {(keepY ? "kept" : "left out")}" +
                                    $"{(inPlace ? ", δ in place" : "")}) [{batch}×{channels}×{plane}]");
        float[][] Stats() =>
        [
            training ? Buffer(null, channels) : (float[])runningMean.Clone(), training ? Buffer(null, channels) : (float[])runningVar.Clone(),
            new float[channels], Buffer(null, channels),
        ];
        // The definition: the batch norm, then the activation, then back through both, apart.
        var s = Stats();
        var (y, a, dy, sumDy, sumDyXh, dx) = (new float[length], new float[length], new float[length], new float[channels], new float[channels], new float[length]);
        if (training) BatchNormChannelsReference.NormalizeTraining(x, batch, channels, plane, gamma, beta, 1e-5f, s[0], s[1], s[2], s[3], y);
        else BatchNormChannelsReference.NormalizeInference(x, batch, channels, plane, gamma, beta, 1e-5f, s[0], s[1], s[3], y);
        activation.ForwardReference(y, a);
        activation.BackwardReference(y, a, da, dy);
        BatchNormChannelsReference.Backward(dy, x, s[0], batch, channels, plane, gamma, s[3], training, sumDy, sumDyXh, dx);

        // The fast kernels apart, at the width in force: the fused sweeps must give their bits.
        float[][] Apart()
        {
            var t = Stats();
            var (py, pa, pd, ps, psx, pdx) = (new float[length], new float[length], new float[length], new float[channels], new float[channels], new float[length]);
            if (training) BatchNormChannels.NormalizeTraining(x, batch, channels, plane, gamma, beta, 1e-5f, t[0], t[1], t[2], t[3], py);
            else BatchNormChannels.NormalizeInference(x, batch, channels, plane, gamma, beta, 1e-5f, t[0], t[1], t[3], py);
            activation.Forward(py, pa);
            activation.Backward(py, pa, da, pd);
            BatchNormChannels.Backward(pd, x, t[0], batch, channels, plane, gamma, t[3], training, ps, psx, pdx);
            return [py, pa, pd, ps, psx, pdx];
        }

        float[][] Fused(FuzzCall c)
        {
            var t = Stats().Select(Guard(c)).ToArray();
            var gy = keepY ? c.Guard(Buffer(null, length)) : null;
            var ga = c.Guard(Buffer(null, length));
            var gx = c.In(x, "x");
            if (training)
                BatchNormChannels.NormalizeTraining(gx, batch, channels, plane, c.In(gamma, "γ"), c.In(beta, "β"), 1e-5f, t[0].Span, t[1].Span, t[2].Span, t[3].Span,
                    gy is null ? [] : gy.Span, activation, ga.Span);
            else
                BatchNormChannels.NormalizeInference(gx, batch, channels, plane, c.In(gamma, "γ"), c.In(beta, "β"), 1e-5f, t[0].Span, t[1].Span, t[3].Span,
                    gy is null ? [] : gy.Span, activation, ga.Span);
            // Backward from the definition's y and a, so that the sums are compared on the same inputs.
            var gda = c.Guard((float[])da.Clone());
            var gdy = inPlace ? gda : c.Guard(Buffer(null, length));
            Span<float> gs = c.Several(channels), gsx = c.Several(channels), gdx = c.Several(length);
            BatchNormChannels.Backward(activation, keepY ? c.In(y, "y") : [], c.In(a, "a"), gda.Span, gdy.Span, gx, c.In(s[0], "μ"), batch, channels, plane,
                c.In(gamma, "γ"), c.In(s[3], "1/σ"), training, gs, gsx, gdx);
            return [.. t.Select(b => b.Span.ToArray()), gy?.Span.ToArray() ?? (float[])y.Clone(), ga.Span.ToArray(), gdy.Span.ToArray(), gs.ToArray(), gsx.ToArray(), gdx.ToArray()];
        }

        string[] names = ["μ", "σ²", "unbiased σ²", "1/σ", "y", "a", "δ", "Σδ", "Σδx̂", "∂C/∂x"];
        f.Add("BatchNormChannels fused", names, [1e-6, 1e-5, 1e-5, 1e-5, 1e-4, 1e-4, 0, 1e-4, 1e-3, 1e-3], () => true, Fused,
            [.. s, y, a, dy, sumDy, sumDyXh, dx]);
        // Fused against apart at the same width: the forward's y and a exactly (the backward above reads the definition's).
        f.Add("BatchNormChannels fused − apart", ["y", "a"], [0], () => true, c =>
        {
            var apart = Apart();
            var fused = Fused(c);
            float[] Minus(float[] p, float[] q) => p.Select((v, i) => BitConverter.SingleToInt32Bits(v) == BitConverter.SingleToInt32Bits(q[i]) ? 0f : 1f).ToArray();
            return [keepY ? Minus(fused[4], apart[0]) : new float[length], Minus(fused[5], apart[1])];
        }, [new float[length], new float[length]]);
        return f;
    }

    /// <summary>A tensor over an array with sentinels past its end (a tensor's data starts at index 0), checked by
    /// <see cref="TailTrampled"/>.</summary>
    private static Tensor TensorOf(float[] values, params int[] shape)
    {
        var data = new float[values.Length + Guarded.Margin];
        values.CopyTo(data, 0);
        Array.Fill(data, BitConverter.Int32BitsToSingle(0x7FC0_1234), values.Length, Guarded.Margin);
        return new Tensor(data, shape);
    }

    private static string? TailTrampled(Tensor t)
    {
        int sentinel = 0x7FC0_1234;
        for (int i = t.Length; i < t.Data.Length; i++)
            if (BitConverter.SingleToInt32Bits(t.Data[i]) != sentinel) return $"wrote {i - t.Length + 1} floats past a tensor";
        return null;
    }

    private static ElementwiseFuzz Joins(Random rng)
    {
        int n = rng.Next(1, 9), ca = rng.Next(1, 20), cb = rng.Next(1, 20), h = rng.Next(1, 12), w = rng.Next(1, 12);
        int plane = h * w, al = ca * plane, bl = cb * plane, yl = al + bl;
        var a = FuzzRun.Values(rng, n * al);
        var b = FuzzRun.Values(rng, n * bl);
        var add = FuzzRun.Values(rng, n * bl);
        float slope = rng.Pick(0.2f, 0.01f);
        var activation = rng.Next(3) switch { 0 => PlaneActivation.None, 1 => PlaneActivation.Rectifier, _ => PlaneActivation.Leaky(slope) };
        var f = new ElementwiseFuzz($"concatenation {n}×[{ca}+{cb}]×{h}×{w}");
        var y = new float[n * yl];
        Concatenation.JoinReference(new Tensor(a, n, ca, h, w), new Tensor(b, n, cb, h, w), new Tensor(y, n, ca + cb, h, w));
        var joined = new float[y.Length];
        activation.ForwardReference(y, joined);
        if (activation.IsNone) joined = (float[])y.Clone();
        var part = new float[n * bl];
        Concatenation.PartReference(new Tensor(y, n, ca + cb, h, w), al, new Tensor(part, n, cb, h, w));
        var sum = new float[n * bl];
        Concatenation.AddPartReference(new Tensor(y, n, ca + cb, h, w), al, new Tensor(add, n, cb, h, w), new Tensor(sum, n, cb, h, w));
        f.Add("Concatenation", ["σ(join)", "part", "add part"], [0], () => true, c =>
        {
            Tensor T(float[] v, int ch) => new((float[])v.Clone(), n, ch, h, w);
            var ty = TensorOf(Buffer(null, n * yl), n, ca + cb, h, w);
            Concatenation.Join(T(a, ca), T(b, cb), ty, activation);
            var tp = TensorOf(Buffer(null, n * bl), n, cb, h, w);
            var ts = TensorOf(Buffer(null, n * bl), n, cb, h, w);
            var source = new Tensor((float[])y.Clone(), n, ca + cb, h, w);
            Concatenation.Part(source, al, tp);
            Concatenation.AddPart(source, al, T(add, cb), ts);
            foreach (var t in new[] { ty, tp, ts })
                if (TailTrampled(t) is { } problem) throw new InvalidOperationException(problem);
            return [ty.Span.ToArray(), tp.Span.ToArray(), ts.Span.ToArray()];
        }, [joined, part, sum]);
        return f;
    }

    private static ElementwiseFuzz Adam(Random rng)
    {
        int n = rng.Next(2) == 0 ? rng.Next(0, 70) : rng.Next(0, 5000);
        var w = FuzzRun.Values(rng, n);
        var g = FuzzRun.Values(rng, n);
        var m = FuzzRun.Values(rng, n);
        var v = FuzzRun.Abs(FuzzRun.Values(rng, n));
        int step = rng.Next(1, 1000);
        float b1 = rng.Pick(0.9f, 0.5f), b2 = rng.Pick(0.999f, 0.99f);
        var k = new AdamCoefficients(b1, b2, rng.Pick(1e-8f, 1e-6f), rng.Pick(2e-4f, 1e-3f), 1f / (1f - MathF.Pow(b1, step)), 1f / (1f - MathF.Pow(b2, step)));
        var f = new ElementwiseFuzz($"Adam over {n} weights, step {step}");
        var (tw, tm, tv) = ((float[])w.Clone(), (float[])m.Clone(), (float[])v.Clone());
        AdamUpdate.UpdateReference(tw, g, tm, tv, k);
        f.Add("AdamUpdate", ["w", "m", "v"], [0], () => true, c =>
        {
            var (fw, fm, fv) = (c.Guard(w), c.Guard(m), c.Guard(v));
            AdamUpdate.Update(fw.Span, c.In(g, "g"), fm.Span, fv.Span, k);
            return [fw.Span.ToArray(), fm.Span.ToArray(), fv.Span.ToArray()];
        }, [tw, tm, tv]);
        return f;
    }

    private static ElementwiseFuzz KernelSums(Random rng)
    {
        int n = rng.Next(1, 4) == 1 ? rng.Next(250, 300) : rng.Next(1, 40), m = rng.Next(1, 60), d = rng.Next(1, 40);
        var a = FuzzRun.Values(rng, n * d);
        var b = FuzzRun.Values(rng, m * d);
        var start = FuzzRun.Values(rng, n * d);
        float[] sigmas = rng.Next(2) == 0 ? [1f] : [0.5f, 1f, 2f, 5f];
        float scale = rng.Pick(1f, -0.5f);
        var f = new ElementwiseFuzz($"Gaussian kernel sums {n}×{d} against {m}×{d}, {sigmas.Length} bandwidths");
        var gradient = (float[])start.Clone();
        double total = GaussianKernelSumsReference.Sum(a, n, b, m, d, sigmas, gradient, scale);
        double symmetric = GaussianKernelSumsReference.Sum(a, n, a, n, d, sigmas);
        // Σ|terms| of each gradient entry: |start| + |scale|·Σⱼ Σ_σ k/σ²·(|bⱼ| + |aᵢ|), bounded with k ≤ 1.
        double weight = sigmas.Sum(s => 1.0 / (s * s));
        var bound = new float[n * d];
        for (int i = 0; i < n; i++)
            for (int p = 0; p < d; p++)
            {
                double t = 0;
                for (int j = 0; j < m; j++) t += Math.Abs(b[j * d + p]) + Math.Abs(a[i * d + p]);
                bound[i * d + p] = (float)(Math.Abs(start[i * d + p]) + Math.Abs(scale) * weight * t * d);
            }
        // The expansion ‖a‖² + ‖b‖² − 2a·b loses about 1e-7·‖a‖² of each distance: relative 1e-4 is far above that.
        f.Twin.Add([(float)total, (float)symmetric]);
        f.Scale.Add([(float)(n * m * sigmas.Length), (float)(n * n * sigmas.Length)]);
        f.Tolerances.Add(1e-5);
        f.Routes.Add(new FuzzRoute("GaussianKernelSums: sums", 0, () => true, c =>
        {
            var r = c.Several(2);
            r[0] = (float)GaussianKernelSums.Sum(c.In(a, "A"), n, c.In(b, "B"), m, d, sigmas);
            r[1] = (float)GaussianKernelSums.SymmetricSum(c.In(a, "A"), n, d, sigmas);
            c.Keep(r);
        }));
        f.Twin.Add(gradient);
        f.Scale.Add(bound);
        f.Tolerances.Add(1e-5);
        f.Routes.Add(new FuzzRoute("GaussianKernelSums: gradient", 1, () => true, c =>
        {
            var gg = c.Guard(start);
            GaussianKernelSums.Sum(c.In(a, "A"), n, c.In(b, "B"), m, d, sigmas, gg.Span, scale);
            c.Keep(gg.Span);
        }));
        return f;
    }
}
