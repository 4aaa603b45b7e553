using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Tests.Gradients;

/// <summary>Compares a layer's or cost's analytic gradients with central finite differences.</summary>
/// <remarks>
/// For a layer, the scalar probed is L = Σᵢ rᵢ yᵢ with fixed random rᵢ, so ∂L/∂y = r is what Backward receives.
/// Each input and parameter element is moved by ±h and (L(+h) − L(−h))/2h is compared with the analytic value.
/// L is accumulated in double; the layer itself runs in float32, so the step h is 1e-2 (rounding error ~1e-7/h against
/// truncation error ~h²). The error reported is ‖numeric − analytic‖ / max(‖numeric‖ + ‖analytic‖, 1e-8), one figure
/// per tensor, which the tests hold to ≤ 1e-3.
/// </remarks>
public static class GradientCheck
{
    public const double Tolerance = 1e-3;

    /// <summary>The worst relative error over the input and every parameter of <paramref name="layer"/>.
    /// <paramref name="beforeForward"/> runs before every forward pass (e.g. to reseed dropout so its mask is fixed).</summary>
    public static (double Error, string Where) Layer(Layer layer, Tensor x, int seed = 7, double h = 1e-2, Action? beforeForward = null)
    {
        var rng = new Random(seed);
        beforeForward?.Invoke();
        var y = layer.Forward(x, training: true);
        var r = new Tensor(y.ShapeArray());
        for (int i = 0; i < r.Length; i++) r[i] = (float)(rng.NextDouble() * 2 - 1);
        var parameters = layer.AllParameters().ToArray();
        foreach (var p in parameters) p.ZeroGradient();
        var dx = layer.Backward(r).Clone();
        var analytic = parameters.Select(p => p.Gradient.Clone()).ToArray();

        double Objective()
        {
            beforeForward?.Invoke();
            var out_ = layer.Forward(x, training: true);
            double s = 0;
            for (int i = 0; i < out_.Length; i++) s += (double)r[i] * out_[i];
            return s;
        }

        double worst = 0; string where = "";
        void Compare(string name, Tensor values, Tensor grad)
        {
            double e = RelativeError(Numeric(values, Objective, h), grad);
            if (e > worst || where == "") { worst = Math.Max(worst, e); where = name; }
        }
        Compare("input", x, dx);
        for (int i = 0; i < parameters.Length; i++) Compare($"parameter {parameters[i].Name}", parameters[i].Value, analytic[i]);
        return (worst, where);
    }

    /// <summary>Relative error of a cost's gradient with respect to the network output.</summary>
    public static double Loss(Loss loss, Tensor output, Tensor target, double h = 1e-2)
    {
        var grad = new Tensor(output.ShapeArray());
        loss.Compute(output, target, grad);
        return RelativeError(Numeric(output, () => loss.Compute(output, target, null), h), grad);
    }

    /// <summary>Central differences of <paramref name="f"/> with respect to every element of <paramref name="values"/>.</summary>
    public static double[] Numeric(Tensor values, Func<double> f, double h)
    {
        var g = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            float keep = values[i];
            values[i] = (float)(keep + h); double up = f();
            values[i] = (float)(keep - h); double down = f();
            values[i] = keep;
            // Divide by the step actually taken in float32, not the nominal h.
            g[i] = (up - down) / ((double)(float)(keep + h) - (float)(keep - h));
        }
        return g;
    }

    public static double RelativeError(double[] numeric, Tensor analytic)
    {
        double diff = 0, a = 0, b = 0;
        for (int i = 0; i < numeric.Length; i++)
        {
            diff += (numeric[i] - analytic[i]) * (numeric[i] - analytic[i]);
            a += numeric[i] * numeric[i];
            b += (double)analytic[i] * analytic[i];
        }
        return Math.Sqrt(diff) / Math.Max(Math.Sqrt(a) + Math.Sqrt(b), 1e-8);
    }

    /// <summary>Uniform values in ±<paramref name="scale"/>, kept at least <paramref name="gap"/> away from zero (ReLU's kink).</summary>
    public static Tensor Random(int seed, float scale, float gap, params int[] shape)
    {
        var rng = new Random(seed);
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
