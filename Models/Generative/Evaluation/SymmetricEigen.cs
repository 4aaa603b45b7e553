namespace NeuralPipelines.Models.Generative.Evaluation;

/// <summary>The eigen-decomposition A = V·diag(λ)·Vᵀ of a real symmetric matrix, by cyclic Jacobi rotations, in double.</summary>
/// <remarks>
/// Jacobi is the slowest of the standard methods (O(n³) per sweep, a handful of sweeps) but the simplest to get right and
/// the most accurate for small eigenvalues, which is what a matrix square root of a nearly singular covariance needs; at
/// the 84×84 of LeNet's feature layer it takes milliseconds. Each rotation zeroes one off-diagonal pair (p, q) with the
/// angle of Rutishauser's formulation (t = sgn(θ)/(|θ| + √(θ² + 1)), θ = (a_qq − a_pp)/(2a_pq)), which keeps |t| ≤ 1
/// and so never amplifies rounding error.
/// </remarks>
public sealed class SymmetricEigen
{
    private const int MaxSweeps = 100;

    private SymmetricEigen(double[] values, double[,] vectors) { Values = values; Vectors = vectors; }

    /// <summary>The eigenvalues λ, in ascending order.</summary>
    public double[] Values { get; }

    /// <summary>The eigenvectors as columns, in the order of <see cref="Values"/>; orthonormal.</summary>
    public double[,] Vectors { get; }

    /// <summary>Decomposes the symmetric matrix <paramref name="a"/> (only its values are read; it is not changed).</summary>
    /// <exception cref="ArgumentException">Not square, not finite, or not symmetric to 1e-9 of its largest entry.</exception>
    public static SymmetricEigen Of(double[,] a)
    {
        int n = a.GetLength(0);
        if (a.GetLength(1) != n) throw new ArgumentException($"An eigen-decomposition needs a square matrix, got {n}×{a.GetLength(1)}.");
        var m = (double[,])a.Clone();
        double scale = 0;
        foreach (double x in m)
        {
            if (!double.IsFinite(x)) throw new ArgumentException("The matrix has a value that is not finite.");
            scale = Math.Max(scale, Math.Abs(x));
        }
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                if (Math.Abs(m[i, j] - m[j, i]) > 1e-9 * Math.Max(scale, 1e-300))
                    throw new ArgumentException($"The matrix is not symmetric: a[{i},{j}] = {m[i, j]} but a[{j},{i}] = {m[j, i]}.");

        var v = new double[n, n];
        for (int i = 0; i < n; i++) v[i, i] = 1;
        for (int sweep = 0; sweep < MaxSweeps; sweep++)
        {
            double off = 0;
            for (int p = 0; p < n; p++)
                for (int q = p + 1; q < n; q++) off += m[p, q] * m[p, q];
            // Converged when the off-diagonal mass is at the rounding level of the matrix.
            if (off <= 1e-30 * scale * scale || off == 0) break;
            for (int p = 0; p < n; p++)
                for (int q = p + 1; q < n; q++)
                    if (m[p, q] != 0) Rotate(m, v, p, q);
        }

        var order = Enumerable.Range(0, n).OrderBy(i => m[i, i]).ToArray();
        var values = order.Select(i => m[i, i]).ToArray();
        var vectors = new double[n, n];
        for (int c = 0; c < n; c++)
            for (int r = 0; r < n; r++) vectors[r, c] = v[r, order[c]];
        return new SymmetricEigen(values, vectors);
    }

    /// <summary>f(A) = V·diag(f(λ))·Vᵀ, e.g. the square root of a covariance with f = √max(λ, 0).</summary>
    public double[,] Apply(Func<double, double> f)
    {
        int n = Values.Length;
        var fl = Values.Select(f).ToArray();
        var result = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++)
            {
                double s = 0;
                for (int k = 0; k < n; k++) s += Vectors[i, k] * fl[k] * Vectors[j, k];
                result[i, j] = result[j, i] = s;
            }
        return result;
    }

    /// <summary>One rotation in the (p, q) plane that zeroes m[p, q]; V accumulates the rotations.</summary>
    private static void Rotate(double[,] m, double[,] v, int p, int q)
    {
        int n = m.GetLength(0);
        double theta = (m[q, q] - m[p, p]) / (2 * m[p, q]);
        double t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
        if (theta == 0) t = 1;
        double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
        for (int k = 0; k < n; k++)
        {
            double mkp = m[k, p], mkq = m[k, q];
            m[k, p] = c * mkp - s * mkq;
            m[k, q] = s * mkp + c * mkq;
        }
        for (int k = 0; k < n; k++)
        {
            double mpk = m[p, k], mqk = m[q, k];
            m[p, k] = c * mpk - s * mqk;
            m[q, k] = s * mpk + c * mqk;
        }
        for (int k = 0; k < n; k++)
        {
            double vkp = v[k, p], vkq = v[k, q];
            v[k, p] = c * vkp - s * vkq;
            v[k, q] = s * vkp + c * vkq;
        }
    }
}
