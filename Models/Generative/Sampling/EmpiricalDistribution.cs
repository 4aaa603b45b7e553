namespace NeuralPipelines.Models.Generative.Sampling;

/// <summary>The distribution of a data set, smoothed by linear interpolation of its quantile function between the sorted
/// values: F⁻¹(u) = x₍ₖ₎ + (h − k)(x₍ₖ₊₁₎ − x₍ₖ₎) with h = (n − 1)u and k = ⌊h⌋ (the "type 7" sample quantile).</summary>
/// <remarks>
/// Drawing through this F⁻¹ picks a gap between neighbouring sorted values, each gap with probability 1/(n − 1), and a
/// uniform point inside it; so the draws never leave [min, max] and never repeat a data value exactly. <see cref="Cdf"/> is the
/// matching piecewise-linear inverse, so F(F⁻¹(u)) = u wherever the values are distinct.
/// </remarks>
public sealed class EmpiricalDistribution : IInverseCdf
{
    private readonly double[] _sorted;

    public EmpiricalDistribution(ReadOnlySpan<float> data)
    {
        if (data.IsEmpty) throw new ArgumentException("An empirical distribution needs at least one value.", nameof(data));
        _sorted = new double[data.Length];
        for (int i = 0; i < data.Length; i++)
        {
            if (!float.IsFinite(data[i])) throw new ArgumentException($"Value {i} of the data is {data[i]}; an empirical distribution needs finite values.", nameof(data));
            _sorted[i] = data[i];
        }
        Array.Sort(_sorted);
    }

    /// <summary>The data, sorted ascending: the order statistics x₍₀₎ ≤ … ≤ x₍ₙ₋₁₎.</summary>
    public IReadOnlyList<double> Sorted => _sorted;

    public double Quantile(double u)
    {
        if (!(u >= 0 && u <= 1)) throw new ArgumentOutOfRangeException(nameof(u), u, "A quantile level must lie in [0, 1].");
        double h = (_sorted.Length - 1) * u;
        int k = Math.Min((int)h, _sorted.Length - 1);
        if (k == _sorted.Length - 1) return _sorted[k];
        return _sorted[k] + (h - k) * (_sorted[k + 1] - _sorted[k]);
    }

    public double Cdf(double x)
    {
        int n = _sorted.Length;
        if (x < _sorted[0]) return 0;
        if (x >= _sorted[n - 1]) return 1;
        // k = the last index with x₍ₖ₎ ≤ x; then x₍ₖ₊₁₎ > x, so the gap has positive width even among tied values.
        int k = UpperBound(x) - 1;
        return (k + (x - _sorted[k]) / (_sorted[k + 1] - _sorted[k])) / (n - 1);
    }

    /// <summary>The first index whose value is greater than <paramref name="x"/>.</summary>
    private int UpperBound(double x)
    {
        int lo = 0, hi = _sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_sorted[mid] <= x) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
