using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Tests.Conv;

/// <summary>
/// Compares a layer's backward pass with central finite differences of the scalar loss C = Σ y·r (r random and fixed),
/// for ∂C/∂x and every parameter. The loss is summed in double; the error is max|analytic − numeric| / max|numeric|
/// per tensor, which stays meaningful when individual gradients are tiny.
/// </summary>
public static class GradientChecker
{
    public sealed record Result(string Worst, double Error, IReadOnlyList<string> Lines)
    {
        public override string ToString() => string.Join(Environment.NewLine, Lines);
    }

    /// <summary>Checks at most <paramref name="samples"/> coordinates per tensor (all of them for small tensors).</summary>
    public static Result Check(Layer layer, Tensor x, bool training = true, int seed = 7, float step = 1e-3f, int samples = 300)
    {
        var rng = new Random(seed);
        var y0 = layer.Forward(x, training);
        var r = new float[y0.Length];
        for (int i = 0; i < r.Length; i++) r[i] = (float)(rng.NextDouble() * 2 - 1);
        var dy = new Tensor(r, y0.ShapeArray());

        layer.ZeroGradients();
        layer.Forward(x, training);
        var dx = layer.Backward(dy).Clone();
        var parameters = layer.AllParameters().ToList();
        var analytic = parameters.Select(p => p.Gradient.Clone()).ToList();

        double Loss()
        {
            var y = layer.Forward(x, training);
            double s = 0;
            for (int i = 0; i < y.Length; i++) s += (double)y[i] * r[i];
            return s;
        }

        var lines = new List<string>();
        string worst = ""; double worstError = 0;
        void Record(string name, Tensor values, Tensor grad)
        {
            double e = Compare(values, grad, Loss, step, samples, rng, out int checkedCount);
            lines.Add($"{name}{Tensor.ShapeText(values.Shape)}: relative error {e:E2} over {checkedCount} coordinates");
            if (e >= worstError) { worstError = e; worst = name; }
        }

        Record("x", x, dx);
        for (int i = 0; i < parameters.Count; i++) Record(parameters[i].Name + "#" + i, parameters[i].Value, analytic[i]);
        return new Result(worst, worstError, lines);
    }

    private static double Compare(Tensor values, Tensor analytic, Func<double> loss, float step, int samples, Random rng, out int count)
    {
        int n = values.Length;
        IEnumerable<int> indices = n <= samples ? Enumerable.Range(0, n) : Enumerable.Range(0, samples).Select(_ => rng.Next(n)).Distinct();
        double maxDiff = 0, maxNumeric = 0;
        count = 0;
        foreach (int i in indices)
        {
            float saved = values[i];
            values[i] = saved + step; double plus = loss();
            values[i] = saved - step; double minus = loss();
            values[i] = saved;
            // The step actually taken in float32 may differ from `step`; divide by it.
            double h = ((double)(saved + step) - (saved - step));
            double numeric = (plus - minus) / h;
            maxDiff = Math.Max(maxDiff, Math.Abs(numeric - analytic[i]));
            maxNumeric = Math.Max(maxNumeric, Math.Abs(numeric));
            count++;
        }
        return maxNumeric == 0 ? maxDiff : maxDiff / maxNumeric;
    }

    public static Tensor Random(Random rng, params int[] shape)
    {
        var t = new Tensor(shape);
        for (int i = 0; i < t.Length; i++) t[i] = (float)(rng.NextDouble() * 2 - 1);
        return t;
    }
}
