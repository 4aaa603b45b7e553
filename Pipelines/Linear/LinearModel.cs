namespace NeuralPipelines.Pipelines.Linear;

/// <summary>A fitted affine map ŷ = b + Σ wⱼ xⱼ on the original (unscaled) features, in double precision.</summary>
public sealed record LinearModel(IReadOnlyList<string> FeatureNames, double[] Coefficients, double Intercept)
{
    /// <summary>Things worth telling the user about how the model was found (a ridge fallback, a constant column).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    public double Predict(ReadOnlySpan<double> x)
    {
        if (x.Length != Coefficients.Length)
            throw new ArgumentException($"The model has {Coefficients.Length} coefficients but the row has {x.Length} features.");
        var sum = Intercept;
        for (var j = 0; j < x.Length; j++) sum += Coefficients[j] * x[j];
        return sum;
    }

    public double[] Predict(IReadOnlyList<double[]> rows) => rows.Select(r => Predict(r)).ToArray();

    /// <summary>The coefficients keyed by feature name, in column order.</summary>
    public IReadOnlyDictionary<string, double> CoefficientsByName =>
        FeatureNames.Select((n, j) => (n, j)).ToDictionary(p => p.n, p => Coefficients[p.j]);
}
