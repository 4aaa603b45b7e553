using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Tests.Gradients;

/// <summary>Compares a layer's or cost's analytic gradients with central finite differences: the one gradient check of the tests.</summary>
/// <remarks>
/// For a layer, the scalar probed is C = Σᵢ rᵢ yᵢ with fixed random rᵢ, so ∂C/∂y = r is what Backward receives. Each
/// coordinate of the input and of every parameter is moved by ±h and (C(+h) − C(−h)) / 2h is compared with the analytic
/// value. C is summed in double while the layer runs in float32. The error is max|numeric − analytic| / max|numeric| per
/// tensor: unlike an element-wise ratio it stays meaningful where single gradients are tiny, and unlike a norm it does not
/// let one wrong coordinate hide among many right ones. The tests hold it to <see cref="Tolerance"/>.
/// The default step, 1e-3, stays inside the 0.01 gaps the pooling tests leave between inputs (so a max never changes
/// winner) and clear of ReLU's kink for inputs kept 0.05 away from zero; smooth layers may take 1e-2 for less rounding.
/// </remarks>
public static class GradientCheck
{
    public const double Tolerance = 1e-3;

    /// <summary>The worst error, the tensor it was found in ("input" or "parameter NAME"), and one line per tensor.</summary>
    public sealed record Result(double Error, string Where, IReadOnlyList<string> Lines)
    {
        public override string ToString() => string.Join(Environment.NewLine, Lines);
    }

    /// <summary>Checks ∂C/∂x and every parameter's gradient, at most <paramref name="samples"/> coordinates per tensor (all of
    /// them for small tensors). <paramref name="beforeForward"/> runs before every forward pass (e.g. to reseed dropout so
    /// its mask is the same in every probe).</summary>
    public static Result Layer(Layer layer, Tensor x, bool training = true, float step = 1e-3f, int samples = 300, int seed = 7,
        Action? beforeForward = null)
    {
        var rng = new Random(seed);
        Tensor Forward() { beforeForward?.Invoke(); return layer.Forward(x, training); }
        var y0 = Forward();
        var r = new float[y0.Length];
        for (int i = 0; i < r.Length; i++) r[i] = (float)(rng.NextDouble() * 2 - 1);
        var dy = new Tensor(r, y0.ShapeArray());

        layer.ZeroGradients();
        Forward();
        var dx = layer.Backward(dy).Clone();
        var parameters = layer.AllParameters().ToList();
        var analytic = parameters.Select(p => p.Gradient.Clone()).ToList();

        double Objective()
        {
            var y = Forward();
            double s = 0;
            for (int i = 0; i < y.Length; i++) s += (double)y[i] * r[i];
            return s;
        }

        var lines = new List<string>();
        string where = ""; double worst = 0;
        void Record(string name, Tensor values, Tensor grad)
        {
            var indices = values.Length <= samples
                ? Enumerable.Range(0, values.Length).ToArray()
                : Enumerable.Range(0, samples).Select(_ => rng.Next(values.Length)).Distinct().ToArray();
            double e = Error(Numeric(values, indices, Objective, step), grad, indices);
            lines.Add($"{name}{Tensor.ShapeText(values.Shape)}: relative error {e:E2} over {indices.Length} coordinates");
            if (e >= worst) { worst = e; where = name; }
        }

        Record("input", x, dx);
        for (int i = 0; i < parameters.Count; i++) Record($"parameter {parameters[i].Name}", parameters[i].Value, analytic[i]);
        return new Result(worst, where, lines);
    }

    /// <summary>The error of a cost's gradient with respect to the network output.</summary>
    public static double Loss(Loss loss, Tensor output, Tensor target, float step = 1e-2f)
    {
        var grad = new Tensor(output.ShapeArray());
        loss.Compute(output, target, grad);
        var all = Enumerable.Range(0, output.Length).ToArray();
        return Error(Numeric(output, all, () => loss.Compute(output, target, null), step), grad, all);
    }

    /// <summary>The error of <paramref name="analytic"/> as the gradient of the scalar <paramref name="f"/> with respect to
    /// every value of <paramref name="x"/> (for layers whose checked mode is not the training pass, e.g. inference).</summary>
    public static double Function(Tensor x, Func<double> f, Tensor analytic, float step = 1e-2f)
    {
        var all = Enumerable.Range(0, x.Length).ToArray();
        return Error(Numeric(x, all, f, step), analytic, all);
    }

    /// <summary>Central differences of <paramref name="f"/> at the given coordinates of <paramref name="values"/>.</summary>
    private static double[] Numeric(Tensor values, int[] indices, Func<double> f, float step)
    {
        var g = new double[indices.Length];
        for (int k = 0; k < indices.Length; k++)
        {
            int i = indices[k];
            float keep = values[i];
            values[i] = keep + step; double up = f();
            values[i] = keep - step; double down = f();
            values[i] = keep;
            // Divide by the step actually taken in float32, not the nominal one.
            g[k] = (up - down) / ((double)(keep + step) - (keep - step));
        }
        return g;
    }

    private static double Error(double[] numeric, Tensor analytic, int[] indices)
    {
        double maxDiff = 0, maxNumeric = 0;
        for (int k = 0; k < indices.Length; k++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs(numeric[k] - analytic[indices[k]]));
            maxNumeric = Math.Max(maxNumeric, Math.Abs(numeric[k]));
        }
        return maxNumeric == 0 ? maxDiff : maxDiff / maxNumeric;
    }

    /// <summary>Uniform values in ±1 drawn from <paramref name="rng"/>.</summary>
    public static Tensor Random(Random rng, params int[] shape) => Fill(rng, 1f, 0f, shape);

    /// <summary>Uniform values in ±<paramref name="scale"/>, kept at least <paramref name="gap"/> away from zero (ReLU's kink).</summary>
    public static Tensor Random(int seed, float scale, float gap, params int[] shape) => Fill(new Random(seed), scale, gap, shape);

    private static Tensor Fill(Random rng, float scale, float gap, int[] shape)
    {
        var t = new Tensor(shape);
        for (int i = 0; i < t.Length; i++)
        {
            float v;
            do v = (float)((rng.NextDouble() * 2 - 1) * scale); while (Math.Abs(v) < gap);
            t[i] = v;
        }
        return t;
    }
}
