using System.Globalization;
using NeuralPipelines.Models.Training;

namespace NeuralPipelines.Pipelines.Linear;

/// <summary>Linear regression in closed form: minimises ‖y − b − Xw‖² + λ‖w‖² by Householder QR in double precision.</summary>
/// <remarks>
/// Why QR and not the normal equations XᵀX w = Xᵀy: forming XᵀX squares the condition number, so the normal equations
/// lose twice as many digits (the diabetes features are correlated enough for that to show). The intercept is not
/// penalised: centring X and y first removes it from the problem, and b = ȳ − x̄·w afterwards. Columns are scaled to
/// unit norm before the factorisation so one relative tolerance on R's diagonal decides rank, whatever the units.
/// Ridge is done by appending √λ·I rows to the centred design, which keeps the factorisation a plain least-squares QR.
/// Rank deficiency without ridge is an error that names the columns, never a NaN or a silently arbitrary answer.
/// </remarks>
public static class LeastSquaresSolver
{
    /// <summary>The default rank tolerance for double-precision data: a column whose remaining norm, after removing the
    /// earlier columns, falls below this fraction of its own norm is treated as a linear combination of them.</summary>
    public const double DoubleRankTolerance = 1e-9;

    /// <summary>The rank tolerance for data that passed through float32 (ML.NET columns): float rounding alone leaves
    /// about 1e-7 of an exactly collinear column behind, so the threshold must sit well above that.</summary>
    public const double FloatRankTolerance = 1e-5;

    /// <param name="rows">Features, one array per row.</param>
    /// <param name="labels">Targets, one per row.</param>
    /// <param name="featureNames">Column names, for coefficients and error messages.</param>
    /// <param name="lambda">Ridge penalty λ ≥ 0 on the sum of squared coefficients (0: ordinary least squares).</param>
    /// <param name="fallbackLambda">When set and the problem is rank-deficient without ridge, solve again with this λ
    /// (and say so in <see cref="LinearModel.Notes"/>) instead of throwing.</param>
    /// <param name="rankTolerance">See <see cref="DoubleRankTolerance"/> and <see cref="FloatRankTolerance"/>.</param>
    public static LinearModel Solve(IReadOnlyList<double[]> rows, IReadOnlyList<double> labels, IReadOnlyList<string> featureNames,
        double lambda = 0, double? fallbackLambda = null, double rankTolerance = DoubleRankTolerance)
    {
        var n = rows.Count;
        var d = featureNames.Count;
        if (n != labels.Count) throw new ArgumentException($"{n} rows but {labels.Count} labels.");
        if (n == 0) throw new ArgumentException("Least squares needs at least one row.");
        // Named as an app sets it (LeastSquaresTrainer.Options.L2Regularization) and as np regress's user does (--lambda).
        if (!(lambda >= 0) || double.IsInfinity(lambda))
            throw new OptionRangeException("L2Regularization", "--lambda", $"must be a finite number ≥ 0, got {lambda.ToString(CultureInfo.InvariantCulture)}.");
        if (rows.Any(r => r.Length != d)) throw new ArgumentException($"Every row must have {d} features.");

        var mean = new double[d];
        foreach (var r in rows) for (var j = 0; j < d; j++) mean[j] += r[j];
        for (var j = 0; j < d; j++) mean[j] /= n;
        var yMean = labels.Average();

        // Centred, column-major design; m = n (+ d ridge rows).
        var m = lambda > 0 ? n + d : n;
        var a = new double[d][];
        var scale = new double[d];
        var constant = new List<string>();
        for (var j = 0; j < d; j++)
        {
            a[j] = new double[m];
            double centred = 0, raw = 0;
            for (var i = 0; i < n; i++)
            {
                a[j][i] = rows[i][j] - mean[j];
                centred += a[j][i] * a[j][i];
                raw += rows[i][j] * rows[i][j];
            }
            scale[j] = Math.Sqrt(centred);
            if (scale[j] <= rankTolerance * Math.Sqrt(raw) || scale[j] == 0)
            {
                constant.Add(featureNames[j]);
                scale[j] = 0;
            }
            var s = scale[j] == 0 ? 1 : scale[j];
            for (var i = 0; i < n; i++) a[j][i] /= s;
            // In scaled units v = s·w, so λ‖w‖² = λ‖v/s‖²: the ridge row for column j is √λ/s.
            if (lambda > 0) a[j][n + j] = Math.Sqrt(lambda) / s;
        }
        var rhs = new double[m];
        for (var i = 0; i < n; i++) rhs[i] = labels[i] - yMean;

        // Householder QR without pivoting, column by column; a column that is (numerically) in the span of the
        // accepted ones is set aside and reported, so the message can say which columns are to blame.
        var pivots = new List<int>();
        var collinear = new List<(int Column, double[] Combination)>();
        for (var j = 0; j < d; j++)
        {
            var k = pivots.Count;
            var col = a[j];
            if (lambda == 0 && scale[j] == 0) continue;
            double norm = 0;
            for (var i = k; i < m; i++) norm += col[i] * col[i];
            norm = Math.Sqrt(norm);
            // Without ridge every column has unit norm here, so the remaining norm is already relative.
            if (lambda == 0 && norm <= rankTolerance)
            {
                collinear.Add((j, col[..k]));
                continue;
            }
            // Reflector H = I − 2vvᵀ/vᵀv mapping col[k..] to (−sign·norm, 0, …).
            var alpha = col[k] > 0 ? -norm : norm;
            var v = new double[m];
            for (var i = k; i < m; i++) v[i] = col[i];
            v[k] -= alpha;
            double vv = 0;
            for (var i = k; i < m; i++) vv += v[i] * v[i];
            if (vv > 0)
            {
                for (var jj = j; jj < d; jj++) Reflect(v, vv, a[jj], k, m);
                Reflect(v, vv, rhs, k, m);
            }
            pivots.Add(j);
        }

        var notes = new List<string>();
        if (lambda == 0 && (constant.Count > 0 || collinear.Count > 0))
        {
            var parts = new List<string>();
            if (constant.Count > 0)
                parts.Add($"constant column{(constant.Count > 1 ? "s" : "")} {string.Join(", ", constant.Select(c => $"'{c}'"))}");
            foreach (var (column, combination) in collinear)
                parts.Add($"'{featureNames[column]}' is a linear combination of {DescribeCombination(a, pivots, combination, featureNames)}");
            var problem = $"least squares has no unique solution: {string.Join("; ", parts)}";
            if (fallbackLambda is { } fallback)
            {
                var model = Solve(rows, labels, featureNames, fallback, rankTolerance: rankTolerance);
                return model with { Notes = [.. model.Notes, $"{problem}; fell back to ridge with λ = {fallback:G4}"] };
            }
            throw new RankDeficientException(
                $"{problem}. Drop the column(s) or use ridge (λ > 0).",
                constant, collinear.Select(c => featureNames[c.Column]).ToArray());
        }

        // Back-substitution R v = (Qᵀy)[0..k) over the accepted columns.
        var coefficientsScaled = new double[d];
        for (var p = pivots.Count - 1; p >= 0; p--)
        {
            var j = pivots[p];
            var sum = rhs[p];
            for (var q = p + 1; q < pivots.Count; q++) sum -= a[pivots[q]][p] * coefficientsScaled[pivots[q]];
            coefficientsScaled[j] = sum / a[j][p];
        }
        var coefficients = new double[d];
        var intercept = yMean;
        for (var j = 0; j < d; j++)
        {
            coefficients[j] = scale[j] == 0 ? 0 : coefficientsScaled[j] / scale[j];
            intercept -= coefficients[j] * mean[j];
        }
        if (constant.Count > 0)
            notes.Add($"constant column{(constant.Count > 1 ? "s" : "")} {string.Join(", ", constant.Select(c => $"'{c}'"))} given coefficient 0");
        if (coefficients.Any(c => !double.IsFinite(c)) || !double.IsFinite(intercept))
            throw new ArithmeticException("least squares produced a non-finite coefficient; the features are too badly scaled for double precision.");
        return new LinearModel(featureNames, coefficients, intercept) { Notes = notes };
    }

    private static void Reflect(double[] v, double vv, double[] x, int from, int to)
    {
        double dot = 0;
        for (var i = from; i < to; i++) dot += v[i] * x[i];
        var f = 2 * dot / vv;
        for (var i = from; i < to; i++) x[i] -= f * v[i];
    }

    /// <summary>Solves R c = (Qᵀx)[0..k) for a set-aside column and lists the accepted columns it leans on.</summary>
    private static string DescribeCombination(double[][] a, List<int> pivots, double[] projected, IReadOnlyList<string> names)
    {
        var k = projected.Length;
        var c = new double[k];
        for (var p = k - 1; p >= 0; p--)
        {
            var sum = projected[p];
            for (var q = p + 1; q < k; q++) sum -= a[pivots[q]][p] * c[q];
            c[p] = sum / a[pivots[p]][p];
        }
        var used = Enumerable.Range(0, k).Where(p => Math.Abs(c[p]) > 1e-6).Select(p => $"'{names[pivots[p]]}'").ToArray();
        return used.Length == 0 ? "the columns before it" : string.Join(", ", used);
    }
}
