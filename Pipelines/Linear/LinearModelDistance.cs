namespace NeuralPipelines.Pipelines.Linear;

/// <summary>How far one linear model is from a reference one: relative L2 distances of coefficients and of predictions.</summary>
/// <param name="Coefficients">‖w − w_ref‖ / ‖w_ref‖.</param>
/// <param name="Intercept">|b − b_ref| / max(|b_ref|, 1e-300).</param>
/// <param name="Predictions">‖ŷ − ŷ_ref‖ / ‖ŷ_ref‖ over the given rows.</param>
public sealed record LinearModelDistance(double Coefficients, double Intercept, double Predictions)
{
    public static LinearModelDistance Between(LinearModel model, LinearModel reference, IReadOnlyList<double[]> rows)
    {
        if (model.Coefficients.Length != reference.Coefficients.Length)
            throw new ArgumentException($"The models have {model.Coefficients.Length} and {reference.Coefficients.Length} coefficients.");
        return new LinearModelDistance(
            Relative(model.Coefficients, reference.Coefficients),
            Math.Abs(model.Intercept - reference.Intercept) / Math.Max(Math.Abs(reference.Intercept), 1e-300),
            Relative(model.Predict(rows), reference.Predict(rows)));
    }

    public static double Relative(IReadOnlyList<double> a, IReadOnlyList<double> reference)
    {
        double diff = 0, norm = 0;
        for (var i = 0; i < a.Count; i++)
        {
            diff += (a[i] - reference[i]) * (a[i] - reference[i]);
            norm += reference[i] * reference[i];
        }
        return norm == 0 ? Math.Sqrt(diff) : Math.Sqrt(diff / norm);
    }
}
