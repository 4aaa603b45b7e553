namespace NeuralPipelines.Models.Generative.TransformFunction;

/// <summary>Solves F(x) = y for a non-decreasing F by halving a bracket: slow (one bit per step) but it cannot fail on a
/// CDF, which is all an inverse CDF without a closed form needs.</summary>
public static class Bisection
{
    /// <summary>The x in [<paramref name="low"/>, <paramref name="high"/>] where the non-decreasing <paramref name="f"/> crosses
    /// <paramref name="y"/>, to within <paramref name="tolerance"/> in x. The bracket is widened (doubling its width) until
    /// f(low) ≤ y ≤ f(high).</summary>
    public static double Solve(Func<double, double> f, double y, double low, double high, double tolerance = 1e-10)
    {
        if (!(low < high)) throw new ArgumentException($"A bisection bracket needs low < high, got [{low}, {high}].");
        for (int grow = 0; f(low) > y; grow++)
        {
            if (grow == 64) throw new ArgumentException($"No x with f(x) ≤ {y} found below {low}.");
            low -= high - low;
        }
        for (int grow = 0; f(high) < y; grow++)
        {
            if (grow == 64) throw new ArgumentException($"No x with f(x) ≥ {y} found above {high}.");
            high += high - low;
        }
        // Each step keeps f(low) ≤ y ≤ f(high); stop on the tolerance or when the midpoint no longer moves in double.
        while (high - low > tolerance)
        {
            double mid = 0.5 * (low + high);
            if (mid <= low || mid >= high) break;
            if (f(mid) < y) low = mid; else high = mid;
        }
        return 0.5 * (low + high);
    }
}
