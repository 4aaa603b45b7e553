using NeuralPipelines.Pipelines.Evaluation;
using NeuralPipelines.Pipelines.Linear;

namespace NeuralPipelines.Pipelines.Tests.Linear;

public class LeastSquaresSolverTests
{
    [Fact]
    public void Closed_form_on_all_of_diabetes_matches_the_normal_equations_and_the_known_r2()
    {
        var data = TestData.Diabetes;
        var model = LeastSquaresSolver.Solve(data.Rows, data.Labels, data.FeatureNames);
        var (intercept, coefficients) = NormalEquations.Solve(data.Rows, data.Labels);

        Assert.Equal(442, data.Count);
        Assert.True(Math.Abs(model.Intercept - intercept) <= 1e-6 * Math.Abs(intercept), $"intercept {model.Intercept} vs {intercept}");
        Assert.True(LinearModelDistance.Relative(model.Coefficients, coefficients) <= 1e-6);
        for (var j = 0; j < coefficients.Length; j++)
            Assert.True(Math.Abs(model.Coefficients[j] - coefficients[j]) <= 1e-6 * Math.Abs(coefficients[j]), $"{data.FeatureNames[j]}: {model.Coefficients[j]} vs {coefficients[j]}");

        var r2 = RegressionFigures.RSquaredOf(data.Labels, model.Predict(data.Rows));
        Assert.Equal(0.517748, r2, 1e-5);
        Assert.Empty(model.Notes);
    }

    [Fact]
    public void Ridge_matches_the_penalised_normal_equations_and_shrinks_the_coefficients()
    {
        var data = TestData.Diabetes;
        const double lambda = 50;
        var ridge = LeastSquaresSolver.Solve(data.Rows, data.Labels, data.FeatureNames, lambda);
        var (intercept, coefficients) = NormalEquations.Solve(data.Rows, data.Labels, lambda);
        Assert.True(LinearModelDistance.Relative(ridge.Coefficients, coefficients) <= 1e-6);
        Assert.Equal(intercept, ridge.Intercept, Math.Abs(intercept) * 1e-6);

        var ols = LeastSquaresSolver.Solve(data.Rows, data.Labels, data.FeatureNames);
        Assert.True(Norm(ridge.Coefficients) < Norm(ols.Coefficients));
    }

    [Fact]
    public void A_collinear_column_is_named_with_the_columns_it_depends_on()
    {
        var data = TestData.Diabetes;
        // "load" = s1 + 2·bmi: exactly in the span of two earlier columns.
        var rows = data.Rows.Select(r => r.Append(r[4] + 2 * r[2]).ToArray()).ToArray();
        string[] names = [.. data.FeatureNames, "load"];
        var e = Assert.Throws<RankDeficientException>(() => LeastSquaresSolver.Solve(rows, data.Labels, names));
        Assert.Equal(["load"], e.CollinearColumns);
        Assert.Contains("'load' is a linear combination of 'bmi', 's1'", e.Message);
        Assert.Contains("ridge", e.Message);
    }

    [Fact]
    public void A_constant_column_is_named_and_ridge_fallback_gives_a_finite_model()
    {
        var data = TestData.Diabetes;
        var rows = data.Rows.Select(r => new[] { 7.0 }.Concat(r).ToArray()).ToArray();
        string[] names = ["clinic", .. data.FeatureNames];
        var e = Assert.Throws<RankDeficientException>(() => LeastSquaresSolver.Solve(rows, data.Labels, names));
        Assert.Equal(["clinic"], e.ConstantColumns);
        Assert.Contains("constant column 'clinic'", e.Message);

        var fallback = LeastSquaresSolver.Solve(rows, data.Labels, names, fallbackLambda: 1e-6);
        Assert.All(fallback.Coefficients, c => Assert.True(double.IsFinite(c)));
        Assert.Equal(0, fallback.Coefficients[0]);
        Assert.Contains(fallback.Notes, n => n.Contains("fell back to ridge"));
        // A tiny ridge on an otherwise well-posed problem barely moves the fit.
        var ols = LeastSquaresSolver.Solve(data.Rows, data.Labels, data.FeatureNames);
        Assert.True(LinearModelDistance.Relative(fallback.Predict(rows), ols.Predict(data.Rows)) < 1e-6);
    }

    private static double Norm(double[] v) => Math.Sqrt(v.Sum(x => x * x));
}
