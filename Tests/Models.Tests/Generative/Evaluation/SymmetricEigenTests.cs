using NeuralPipelines.Models.Generative.Evaluation;

namespace NeuralPipelines.Models.Tests.Generative.Evaluation;

/// <summary>The Jacobi eigen-solver: A·V = V·Λ with V orthonormal on a random symmetric matrix, known eigenvalues of small
/// ones, and f(A) through the decomposition (√A squared is A).</summary>
public class SymmetricEigenTests
{
    private static double[,] RandomSymmetric(int n, int seed, bool positive = false)
    {
        var rng = new Random(seed);
        var b = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) b[i, j] = rng.NextDouble() * 2 - 1;
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                a[i, j] = positive ? Enumerable.Range(0, n).Sum(k => b[i, k] * b[j, k]) : (b[i, j] + b[j, i]) / 2;
        return a;
    }

    [Fact]
    public void Eigenvectors_are_orthonormal_and_satisfy_A_v_equals_lambda_v()
    {
        const int n = 30;
        var a = RandomSymmetric(n, 5);
        var e = SymmetricEigen.Of(a);
        for (int c = 0; c < n; c++)
        {
            for (int r = 0; r < n; r++)
            {
                double av = 0;
                for (int k = 0; k < n; k++) av += a[r, k] * e.Vectors[k, c];
                Assert.Equal(e.Values[c] * e.Vectors[r, c], av, 1e-10);
            }
            for (int c2 = 0; c2 < n; c2++)
            {
                double dot = 0;
                for (int k = 0; k < n; k++) dot += e.Vectors[k, c] * e.Vectors[k, c2];
                Assert.Equal(c == c2 ? 1 : 0, dot, 1e-12);
            }
        }
        Assert.True(e.Values.Zip(e.Values.Skip(1)).All(p => p.First <= p.Second), "eigenvalues ascend");
        double trace = Enumerable.Range(0, n).Sum(i => a[i, i]);
        Assert.Equal(trace, e.Values.Sum(), 1e-10);
    }

    [Fact]
    public void Known_eigenvalues_come_out()
    {
        Assert.Equal([1.0, 3.0], SymmetricEigen.Of(new double[,] { { 2, 1 }, { 1, 2 } }).Values.Select(v => Math.Round(v, 12)));
        Assert.Equal([-1.0, 0.0, 5.0], SymmetricEigen.Of(new double[,] { { 0, 0, 0 }, { 0, 5, 0 }, { 0, 0, -1 } }).Values);
        Assert.Throws<ArgumentException>(() => SymmetricEigen.Of(new double[,] { { 1, 2 }, { 0, 1 } }));
    }

    [Fact]
    public void The_square_root_of_a_positive_definite_matrix_squares_back_to_it()
    {
        const int n = 12;
        var a = RandomSymmetric(n, 9, positive: true);
        var s = SymmetricEigen.Of(a).Apply(Math.Sqrt);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                Assert.Equal(a[i, j], Enumerable.Range(0, n).Sum(k => s[i, k] * s[k, j]), 1e-10);
    }
}
