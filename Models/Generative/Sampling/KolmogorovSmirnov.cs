namespace NeuralPipelines.Models.Generative.Sampling;

/// <summary>The Kolmogorov–Smirnov distance between a sample's empirical CDF and a CDF, or between two samples' empirical
/// CDFs: the largest vertical gap, D = supₓ |Fₙ(x) − F(x)|.</summary>
/// <remarks>
/// For n draws from a continuous F, √n·D tends to the Kolmogorov distribution, whose 99th percentile is 1.628; so
/// D &gt; 1.628/√n rejects "the draws come from F" at the 1% level (the asymptotic value, close enough from n ≈ 100 on).
/// A fixed seed makes a test on it deterministic; a correct sampler fails it for 1% of seeds.
/// </remarks>
public static class KolmogorovSmirnov
{
    /// <summary>The 99th percentile of the Kolmogorov distribution.</summary>
    public const double OnePercentCoefficient = 1.628;

    /// <summary>The 1% critical value of the one-sample statistic for n draws: 1.628/√n.</summary>
    public static double CriticalValue(int n) => OnePercentCoefficient / Math.Sqrt(Positive(n, nameof(n)));

    /// <summary>The 1% critical value of the two-sample statistic: 1.628·√((n + m)/(n·m)).</summary>
    public static double CriticalValue(int n, int m) =>
        OnePercentCoefficient * Math.Sqrt((double)(Positive(n, nameof(n)) + Positive(m, nameof(m))) / ((double)n * m));

    /// <summary>D = supₓ |Fₙ(x) − F(x)| for the draws in <paramref name="sample"/> against <paramref name="cdf"/>.</summary>
    public static double Statistic(ReadOnlySpan<float> sample, Func<double, double> cdf)
    {
        var x = Sorted(sample, nameof(sample));
        int n = x.Length;
        double d = 0;
        // Fₙ jumps from i/n to (i + 1)/n at the i-th order statistic; the gap is largest on one side of a jump.
        for (int i = 0; i < n; i++)
        {
            double f = cdf(x[i]);
            d = Math.Max(d, Math.Max((i + 1.0) / n - f, f - (double)i / n));
        }
        return d;
    }

    /// <inheritdoc cref="Statistic(ReadOnlySpan{float}, Func{double, double})"/>
    public static double Statistic(ReadOnlySpan<float> sample, IInverseCdf distribution) => Statistic(sample, distribution.Cdf);

    /// <summary>D = supₓ |Fₙ(x) − Gₘ(x)| between two samples' empirical CDFs.</summary>
    public static double TwoSample(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var x = Sorted(a, nameof(a));
        var y = Sorted(b, nameof(b));
        int i = 0, j = 0;
        double d = 0;
        // Walk both sorted samples; compare the two step functions after each distinct value (ties step together).
        while (i < x.Length && j < y.Length)
        {
            double v = Math.Min(x[i], y[j]);
            while (i < x.Length && x[i] == v) i++;
            while (j < y.Length && y[j] == v) j++;
            d = Math.Max(d, Math.Abs((double)i / x.Length - (double)j / y.Length));
        }
        return d;
    }

    private static float[] Sorted(ReadOnlySpan<float> sample, string name)
    {
        if (sample.IsEmpty) throw new ArgumentException("A Kolmogorov–Smirnov statistic needs at least one value.", name);
        var x = sample.ToArray();
        foreach (float v in x)
            if (float.IsNaN(v)) throw new ArgumentException("The sample contains NaN.", name);
        Array.Sort(x);
        return x;
    }

    private static int Positive(int n, string name) => n > 0 ? n : throw new ArgumentOutOfRangeException(name, n, "A sample size must be positive.");
}
