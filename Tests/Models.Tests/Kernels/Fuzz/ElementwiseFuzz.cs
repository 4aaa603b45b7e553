using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels.Fuzz;

/// <summary>A random case of the kernels that have plain twins and no reduction worth the name: batch normalisation's
/// statistics, affine and backward (<see cref="BatchNormChannels"/>, its plane sweeps), pooling (max, its winners and
/// gradient, mean with and without the padding counted, the 2×2 kernel), ReLU and its mask, leaky ReLU, the residual
/// junction; on lengths and planes that leave ragged tails at every width. Each route runs the kernel and keeps one of
/// its outputs (all of them guarded).</summary>
public sealed partial class ElementwiseFuzz
{
    public string Name { get; }
    public List<FuzzRoute> Routes { get; } = [];
    public List<float[]> Twin { get; } = [];
    public List<float[]> Scale { get; } = [];
    public List<double> Tolerances { get; } = [];

    private ElementwiseFuzz(string name) => Name = name;

    /// <summary>Adds the kernel's outputs as products: <paramref name="fast"/> runs it on the call's guarded buffers and
    /// returns its outputs, <paramref name="twin"/> the definition's; a tolerance of 0 asks for the value exactly, others
    /// are relative (to 1 + |definition|).</summary>
    private void Add(string kernel, string[] outputs, double[] tolerances, Func<bool> takes, Func<FuzzCall, float[][]> fast, float[][] twin)
    {
        for (int o = 0; o < outputs.Length; o++)
        {
            int product = Twin.Count, which = o;
            Twin.Add(twin[o]);
            Scale.Add(Array.ConvertAll(twin[o], t => 1 + Math.Abs(t)));
            Tolerances.Add(tolerances[Math.Min(o, tolerances.Length - 1)]);
            Routes.Add(new FuzzRoute($"{kernel}: {outputs[o]}", product, takes, c => c.Keep(fast(c)[which])));
        }
    }

    public static ElementwiseFuzz Random(Random rng) => rng.Next(3) switch
    {
        0 => BatchNorm(rng),
        1 => Pool(rng),
        _ => Lanes(rng),
    };

    private static float[] Offset(float[] x, float shift, float scale) => Array.ConvertAll(x, v => v * scale + shift);

    private static ElementwiseFuzz BatchNorm(Random rng)
    {
        int batch = rng.Next(1, 10), channels = rng.Next(1, 71), plane = rng.Pick(1, 2, 3, 4, 7, 9, 15, 16, 17, 31, 33, 49, 63, 65, 196, rng.Next(1, 300));
        while ((long)batch * channels * plane > 400_000) channels = Math.Max(1, channels / 2);
        int length = batch * channels * plane;
        // Far from zero (|μ| ≫ σ), where a one-pass variance would cancel.
        var x = Offset(FuzzRun.Values(rng, length), 40f, 3f);
        var dy = FuzzRun.Values(rng, length);
        var gamma = FuzzRun.Values(rng, channels);
        var beta = FuzzRun.Values(rng, channels);
        bool training = rng.Next(2) == 0;
        var runningMean = Offset(FuzzRun.Values(rng, channels), 40f, 1f);
        var runningVar = Offset(FuzzRun.Values(rng, channels), 9f, 1f);
        var f = new ElementwiseFuzz($"batch norm ({(training ? "training" : "inference")}) [{batch}×{channels}×{plane}]");
        string[] names = ["μ", "σ²", "unbiased σ²", "1/σ", "y", "Σδ", "Σδx̂", "∂C/∂x"];
        // Inference reads μ and σ² and leaves the unbiased σ² alone: given, and zeros, on both sides.
        float[][] Outputs(FuzzCall? c) =>
        [
            training ? Buffer(c, channels) : (float[])runningMean.Clone(), training ? Buffer(c, channels) : (float[])runningVar.Clone(),
            training ? Buffer(c, channels) : new float[channels], Buffer(c, channels), Buffer(c, length), Buffer(c, channels), Buffer(c, channels), Buffer(c, length),
        ];
        var twin = Outputs(null);
        if (training) BatchNormChannelsReference.NormalizeTraining(x, batch, channels, plane, gamma, beta, 1e-5f, twin[0], twin[1], twin[2], twin[3], twin[4]);
        else BatchNormChannelsReference.NormalizeInference(x, batch, channels, plane, gamma, beta, 1e-5f, twin[0], twin[1], twin[3], twin[4]);
        BatchNormChannelsReference.Backward(dy, x, twin[0], batch, channels, plane, gamma, twin[3], training, twin[5], twin[6], twin[7]);
        f.Add("BatchNormChannels", names, [1e-6, 1e-5, 1e-5, 1e-5, 1e-4, 1e-4, 1e-3, 1e-3], () => true, c =>
        {
            // Spans into guarded buffers: the outputs are written in place, then read back.
            var r = Outputs(c);
            var g = r.Select(Guard(c)).ToArray();
            if (training) BatchNormChannels.NormalizeTraining(c.In(x, "x"), batch, channels, plane, c.In(gamma, "γ"), c.In(beta, "β"), 1e-5f, g[0].Span, g[1].Span, g[2].Span, g[3].Span, g[4].Span);
            else BatchNormChannels.NormalizeInference(c.In(x, "x"), batch, channels, plane, c.In(gamma, "γ"), c.In(beta, "β"), 1e-5f, g[0].Span, g[1].Span, g[3].Span, g[4].Span);
            BatchNormChannels.Backward(c.In(dy, "δ"), c.In(x, "x"), g[0].Span, batch, channels, plane, c.In(gamma, "γ"), g[3].Span, training, g[5].Span, g[6].Span, g[7].Span);
            return g.Select(b => b.Span.ToArray()).ToArray();
        }, twin);
        return f;
    }

    private static float[] Buffer(FuzzCall? c, long length) => Enumerable.Repeat(float.NaN, (int)length).ToArray();

    /// <summary>Each output as a guarded buffer the call checks (its start copied in).</summary>
    private static Func<float[], Guarded> Guard(FuzzCall c) => start => c.Guard(start);

    private static ElementwiseFuzz Pool(Random rng)
    {
        int k = rng.Next(1, 6), s = rng.Next(1, 4), pad = rng.Next(0, k / 2 + 1);
        if (rng.Next(4) == 0) (k, s, pad) = (2, 2, 0);
        int planes = rng.Next(1, 71), h = rng.Next(Math.Max(1, k - 2 * pad), 21), w = rng.Next(Math.Max(1, k - 2 * pad), 21);
        var g = new Im2ColGeometry(planes, h, w, k, k, s, s, pad, pad);
        var x = FuzzRun.Values(rng, g.ImageLength);
        if (rng.Next(2) == 0) x = Offset(x, -1.5f, 0.4f); // all negative: a padded window must not pick the padding's 0
        // Ties: a fifth of the pixels share a value, so the first maximum must win.
        for (int i = 0; i < x.Length; i++) if (rng.Next(5) == 0) x[i] = 0.25f;
        var dy = FuzzRun.Values(rng, planes * g.OutPixels);
        var f = new ElementwiseFuzz($"pooling {g.Channels}×[{h}×{w}], window {k}, stride {s}, padding {pad}");
        int outs = dy.Length;

        var (y, winners, dx) = (new float[outs], new int[outs], new float[x.Length]);
        PoolingReference.MaxForward(x, g, y, winners);
        PoolingReference.MaxBackward(dy, winners, g, dx);
        f.Add("Pooling.Max", ["y", "winners", "∂C/∂x"], [0], () => true, c =>
        {
            var fy = c.Several(outs);
            var fw = new int[outs];
            var fdx = c.Several(x.Length);
            Pooling.MaxForward(c.In(x, "x"), g, fy, fw);
            Pooling.MaxBackward(c.In(dy, "δ"), fw, g, fdx);
            return [fy.ToArray(), Array.ConvertAll(fw, v => (float)v), fdx.ToArray()];
        }, [y, Array.ConvertAll(winners, v => (float)v), dx]);
        if (k == 2 && s == 2 && pad == 0)
            f.Add("Pooling.Max2x2", ["y"], [0], () => true, c =>
            {
                var fy = c.Several(outs);
                Pooling.Max2x2(c.In(x, "x"), g, fy);
                return [fy.ToArray()];
            }, [y]);
        foreach (bool countPad in new[] { false, true })
        {
            var (mean, dmean) = (new float[outs], new float[x.Length]);
            PoolingReference.AverageForward(x, g, countPad, mean);
            PoolingReference.AverageBackward(dy, g, countPad, dmean);
            f.Add($"Pooling.Average{(countPad ? " (padding counted)" : "")}", ["y", "∂C/∂x"], [1e-6], () => true, c =>
            {
                var fy = c.Several(outs);
                var fdx = c.Several(x.Length);
                Pooling.AverageForward(c.In(x, "x"), g, countPad, fy);
                Pooling.AverageBackward(c.In(dy, "δ"), g, countPad, fdx);
                return [fy.ToArray(), fdx.ToArray()];
            }, [mean, dmean]);
        }
        return f;
    }

    private static unsafe ElementwiseFuzz Lanes(Random rng)
    {
        int n = rng.Next(3) switch { 0 => rng.Next(0, 70), 1 => 16 * rng.Next(1, 300) + rng.Next(-1, 2), _ => rng.Next(0, 70_000) };
        n = Math.Max(0, n);
        var z = FuzzRun.Values(rng, n);
        var other = FuzzRun.Values(rng, n);
        var dy = FuzzRun.Values(rng, n);
        var f = new ElementwiseFuzz($"lanes of {n}");

        var (a, mask) = (new float[n], new float[n]);
        Rectifier.ForwardReference(z, a);
        Rectifier.MaskReference(a, dy, mask);
        f.Add("Rectifier", ["a", "∂C/∂z"], [0], () => true, c =>
        {
            var fa = c.Several(n);
            var fm = c.Several(n);
            Rectifier.Forward(c.In(z, "z"), fa);
            Rectifier.Mask(fa, c.In(dy, "δ"), fm);
            return [fa.ToArray(), fm.ToArray()];
        }, [a, mask]);

        float slope = rng.Pick(0.2f, 0.01f, 0.3f);
        var (la, ld) = (new float[n], new float[n]);
        LeakyRectifier.ForwardReference(z, slope, la);
        LeakyRectifier.BackwardReference(z, dy, slope, ld);
        f.Add("LeakyRectifier", ["a", "∂C/∂z"], [0], () => true, c =>
        {
            var fa = c.Several(n);
            var fd = c.Several(n);
            LeakyRectifier.Forward(c.In(z, "z"), slope, fa);
            LeakyRectifier.Backward(c.In(z, "z"), c.In(dy, "δ"), slope, fd);
            return [fa.ToArray(), fd.ToArray()];
        }, [la, ld]);

        foreach (var (activation, label) in new[] { (PlaneActivation.Rectifier, "ReLU"), (PlaneActivation.Leaky(slope), "leaky ReLU") })
        {
            var (jz, ja, alone) = (new float[n], new float[n], new float[n]);
            ResidualJunction.ForwardReference(z, other, activation, jz, ja);
            // Without z kept: a ReLU only (a leaky ReLU's derivative reads z).
            bool alsoAlone = activation.Equals(PlaneActivation.Rectifier);
            if (alsoAlone) ResidualJunction.ForwardReference(z, other, activation, [], alone);
            f.Add($"ResidualJunction ({label})", ["z", "a", "a, z not kept"], [0], () => true, c =>
            {
                var fz = c.Several(n);
                var fa = c.Several(n);
                var fo = c.Several(n);
                ResidualJunction.Forward(c.In(z, "f"), c.In(other, "s"), activation, fz, fa);
                if (alsoAlone) ResidualJunction.Forward(c.In(z, "f"), c.In(other, "s"), activation, [], fo);
                else fo.Clear();
                return [fz.ToArray(), fa.ToArray(), fo.ToArray()];
            }, [jz, ja, alone]);
        }

        float mean = (float)rng.NextDouble() - 0.5f, inverseStd = 0.5f + (float)rng.NextDouble(), gamma = 0.8f, beta = -0.3f;
        var (py, pn, pdx) = (new float[n], new float[n], new float[n]);
        BatchNormPlanes.NormalizeFromReference(z, mean, inverseStd, gamma, beta, py);
        BatchNormPlanes.NormalizedReference(z, mean, inverseStd, pn);
        BatchNormPlanes.InputGradientFromReference(z, mean, inverseStd, dy, -0.021f, 0.0047f, 1.9f, pdx);
        f.Add("BatchNormPlanes", ["y", "x̂", "∂C/∂x"], [0], () => true, c =>
        {
            var fy = c.Several(n);
            var fn = c.Several(n);
            var fdx = c.Several(n);
            fixed (float* px = c.In(z, "x")) fixed (float* pd = c.In(dy, "δ")) fixed (float* y = fy) fixed (float* nn = fn) fixed (float* dx = fdx)
            {
                BatchNormPlanes.NormalizeFrom(px, mean, inverseStd, gamma, beta, y, n);
                BatchNormPlanes.Normalized(px, mean, inverseStd, nn, n);
                BatchNormPlanes.InputGradientFrom(px, mean, inverseStd, pd, -0.021f, 0.0047f, 1.9f, dx, n);
            }
            return [fy.ToArray(), fn.ToArray(), fdx.ToArray()];
        }, [py, pn, pdx]);
        return f;
    }
}
