namespace NeuralPipelines.Pipelines.Tests.Linear;

/// <summary>An independent check on the QR solver: build (XᵀX + λD) [b; w] = Xᵀy with a column of ones for the
/// intercept (D penalises w only) and solve it by Gaussian elimination with partial pivoting.</summary>
internal static class NormalEquations
{
    public static (double Intercept, double[] Coefficients) Solve(IReadOnlyList<double[]> rows, IReadOnlyList<double> y, double lambda = 0)
    {
        var p = rows[0].Length + 1;
        var a = new double[p, p + 1];
        for (var i = 0; i < rows.Count; i++)
        {
            var x = new double[p];
            x[0] = 1;
            rows[i].CopyTo(x, 1);
            for (var r = 0; r < p; r++)
            {
                for (var c = 0; c < p; c++) a[r, c] += x[r] * x[c];
                a[r, p] += x[r] * y[i];
            }
        }
        for (var r = 1; r < p; r++) a[r, r] += lambda;

        for (var col = 0; col < p; col++)
        {
            var pivot = col;
            for (var r = col + 1; r < p; r++) if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col])) pivot = r;
            for (var c = 0; c <= p; c++) (a[col, c], a[pivot, c]) = (a[pivot, c], a[col, c]);
            for (var r = col + 1; r < p; r++)
            {
                var f = a[r, col] / a[col, col];
                for (var c = col; c <= p; c++) a[r, c] -= f * a[col, c];
            }
        }
        var solution = new double[p];
        for (var r = p - 1; r >= 0; r--)
        {
            var sum = a[r, p];
            for (var c = r + 1; c < p; c++) sum -= a[r, c] * solution[c];
            solution[r] = sum / a[r, r];
        }
        return (solution[0], solution[1..]);
    }
}
