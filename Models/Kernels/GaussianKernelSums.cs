namespace NeuralPipelines.Models.Kernels;

/// <summary>Sums of a mixture of Gaussian kernels over all pairs of rows of two matrices, k(a, b) = Σ_σ exp(−‖a − b‖²/(2σ²)),
/// and their gradient with respect to the first matrix's rows: the work inside a maximum mean discrepancy.</summary>
/// <remarks>
/// The squared distances come from one matrix product, ‖aᵢ − bⱼ‖² = ‖aᵢ‖² + ‖bⱼ‖² − 2aᵢ·bⱼ, so the O(n·m·d) part runs
/// on <see cref="Gemm"/> and only the O(n·m) exponentials are left as elementwise loops. The gradient is a product too:
/// Σⱼ wᵢⱼ(bⱼ − aᵢ) = (W·B)ᵢ − (Σⱼ wᵢⱼ)·aᵢ with wᵢⱼ = Σ_σ k_σ(aᵢ, bⱼ)/σ². Rows of A are taken in blocks so that the
/// scratch is a few rows of m values, never n×m: an evaluation between 2,000 and 2,000 images of 784 pixels needs
/// 2 MB, not the 16 MB of a full Gram matrix. <see cref="GaussianKernelSumsReference"/> is the plain twin.
///
/// Precision: the expansion loses the low bits of distances between rows far from the origin (float32 cancellation,
/// about 1e-7·‖a‖²); negative results are clamped to 0. With bandwidths of σ ≳ 1 on pixel-scale data that is far
/// below what changes an exponential.
/// </remarks>
public static class GaussianKernelSums
{
    /// <summary>Rows of A handled per matrix product.</summary>
    private const int BlockRows = 256;

    [ThreadStatic] private static float[]? t_normsA, t_normsB, t_distances, t_weights, t_products;

    /// <summary>Σᵢⱼ k(aᵢ, bⱼ) over A[n×d] and B[m×d], row-major. When <paramref name="gradient"/> (n×d) is not empty, adds
    /// <paramref name="scale"/>·Σⱼ ∂k(aᵢ, bⱼ)/∂aᵢ into its row i, with B held fixed.</summary>
    public static double Sum(ReadOnlySpan<float> a, int n, ReadOnlySpan<float> b, int m, int d, ReadOnlySpan<float> sigmas,
        Span<float> gradient = default, float scale = 1f)
    {
        Check(a, n, b, m, d, sigmas, gradient);
        if (n == 0 || m == 0) return 0;
        bool wantGradient = !gradient.IsEmpty;
        var normsA = Scratch.Ensure(ref t_normsA, n);
        var normsB = Scratch.Ensure(ref t_normsB, m);
        for (int i = 0; i < n; i++) normsA[i] = SumOfSquares(a.Slice(i * d, d));
        for (int j = 0; j < m; j++) normsB[j] = SumOfSquares(b.Slice(j * d, d));
        int rows = Math.Min(BlockRows, n);
        var distances = Scratch.Ensure(ref t_distances, rows * m);
        var weights = wantGradient ? Scratch.Ensure(ref t_weights, rows * m) : null;
        var products = wantGradient ? Scratch.Ensure(ref t_products, rows * d) : null;
        double total = 0;
        for (int i0 = 0; i0 < n; i0 += rows)
        {
            int r = Math.Min(rows, n - i0);
            var block = distances.AsSpan(0, r * m);
            // aᵢ·bⱼ for the block's rows, then ‖aᵢ‖² + ‖bⱼ‖² − 2aᵢ·bⱼ in place.
            Gemm.Multiply(false, true, r, m, d, a.Slice(i0 * d, r * d), d, b, d, block, m);
            for (int i = 0; i < r; i++)
            {
                var row = block.Slice(i * m, m);
                TensorPrimitives.MultiplyAdd(row, -2f, normsB.AsSpan(0, m), row);
                TensorPrimitives.Add(row, normsA[i0 + i], row);
                TensorPrimitives.Max(row, 0f, row);
            }
            var w = wantGradient ? weights.AsSpan(0, r * m) : Span<float>.Empty;
            w.Clear();
            for (int i = 0; i < r; i++)
            {
                var row = block.Slice(i * m, m);
                var wRow = wantGradient ? w.Slice(i * m, m) : Span<float>.Empty;
                total += RowKernelSum(row, sigmas, wRow);
            }
            if (!wantGradient) continue;
            // ∂k_σ(aᵢ, bⱼ)/∂aᵢ = k_σ·(bⱼ − aᵢ)/σ², so Σⱼ over the block's rows is (W·B)ᵢ − (Σⱼ wᵢⱼ)aᵢ.
            var wb = products.AsSpan(0, r * d);
            Gemm.Multiply(false, false, r, d, m, w, m, b, d, wb, d);
            for (int i = 0; i < r; i++)
            {
                var g = gradient.Slice((i0 + i) * d, d);
                float rowWeight = (float)Sum(w.Slice(i * m, m));
                TensorPrimitives.MultiplyAdd(wb.Slice(i * d, d), scale, g, g);
                TensorPrimitives.MultiplyAdd(a.Slice((i0 + i) * d, d), -scale * rowWeight, g, g);
            }
        }
        return total;
    }

    /// <summary>Σᵢⱼ k(aᵢ, aⱼ) over all ordered pairs of rows of one matrix A[n×d], the same as <see cref="Sum(ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, Span{float}, float)"/> with B = A,
    /// from the pairs j ≥ i only: k is symmetric, so half the products and exponentials give the whole sum.</summary>
    public static double SymmetricSum(ReadOnlySpan<float> a, int n, int d, ReadOnlySpan<float> sigmas)
    {
        Check(a, n, a, n, d, sigmas, default);
        if (n == 0) return 0;
        var norms = Scratch.Ensure(ref t_normsA, n);
        for (int i = 0; i < n; i++) norms[i] = SumOfSquares(a.Slice(i * d, d));
        int rows = Math.Min(BlockRows, n);
        var distances = Scratch.Ensure(ref t_distances, rows * n);
        // Each aᵢ with itself: ‖aᵢ − aᵢ‖² = 0 exactly, one per bandwidth (the expansion would leave rounding there).
        double total = (double)n * sigmas.Length;
        for (int i0 = 0; i0 < n; i0 += rows)
        {
            int r = Math.Min(rows, n - i0), width = n - i0;
            // The block's rows against columns i0 … n−1 only; row i then reads its columns j > i.
            var block = distances.AsSpan(0, r * width);
            Gemm.Multiply(false, true, r, width, d, a.Slice(i0 * d, r * d), d, a.Slice(i0 * d, width * d), d, block, width);
            for (int i = 0; i < r; i++)
            {
                int first = i + 1, count = width - first;
                if (count == 0) continue;
                var row = block.Slice(i * width + first, count);
                TensorPrimitives.MultiplyAdd(row, -2f, norms.AsSpan(i0 + first, count), row);
                TensorPrimitives.Add(row, norms[i0 + i], row);
                TensorPrimitives.Max(row, 0f, row);
                total += 2 * RowKernelSum(row, sigmas, Span<float>.Empty);
            }
        }
        return total;
    }

    /// <summary>Σⱼ Σ_σ exp(−Dⱼ/(2σ²)) for one row of squared distances D; adds Σ_σ k_σ/σ² into <paramref name="weights"/>
    /// unless it is empty.</summary>
    private static double RowKernelSum(ReadOnlySpan<float> squaredDistances, ReadOnlySpan<float> sigmas, Span<float> weights)
    {
        var k = Scratch.Ensure(ref t_row, squaredDistances.Length).AsSpan(0, squaredDistances.Length);
        double sum = 0;
        foreach (float sigma in sigmas)
        {
            float variance = sigma * sigma;
            TensorPrimitives.Multiply(squaredDistances, -0.5f / variance, k);
            TensorPrimitives.Exp(k, k);
            sum += Sum(k);
            if (!weights.IsEmpty) TensorPrimitives.MultiplyAdd(k, 1f / variance, weights, weights);
        }
        return sum;
    }

    [ThreadStatic] private static float[]? t_row;

    // Reductions in a fixed order. TensorPrimitives.Sum splits a span into vector lanes from its first aligned address,
    // so the same numbers at another address in memory can round differently, and a seeded training run would not
    // repeat bit for bit. The exponentials dominate the time here, not these sums.
    private static double Sum(ReadOnlySpan<float> x)
    {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 4 <= x.Length; i += 4) { s0 += x[i]; s1 += x[i + 1]; s2 += x[i + 2]; s3 += x[i + 3]; }
        for (; i < x.Length; i++) s0 += x[i];
        return (s0 + s1) + (s2 + s3);
    }

    private static float SumOfSquares(ReadOnlySpan<float> x)
    {
        double s = 0;
        foreach (float v in x) s += (double)v * v;
        return (float)s;
    }

    internal static void Check(ReadOnlySpan<float> a, int n, ReadOnlySpan<float> b, int m, int d, ReadOnlySpan<float> sigmas, ReadOnlySpan<float> gradient)
    {
        if (n < 0 || m < 0 || d <= 0) throw new ArgumentException($"Kernel sums need n, m ≥ 0 and d > 0, got n={n}, m={m}, d={d}.");
        if (a.Length < (long)n * d) throw new ArgumentException($"A holds {a.Length} values, fewer than its {n}×{d}.");
        if (b.Length < (long)m * d) throw new ArgumentException($"B holds {b.Length} values, fewer than its {m}×{d}.");
        if (!gradient.IsEmpty && gradient.Length < (long)n * d) throw new ArgumentException($"The gradient holds {gradient.Length} values, fewer than A's {n}×{d}.");
        if (sigmas.IsEmpty) throw new ArgumentException("Kernel sums need at least one bandwidth σ.");
        foreach (float s in sigmas)
            if (!(s > 0) || float.IsInfinity(s)) throw new ArgumentException($"Every bandwidth σ must be positive and finite, got {s}.");
    }
}
