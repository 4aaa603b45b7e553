using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels.Fuzz;

/// <summary>Random matrix products through every entry point the layers use: <see cref="Gemm.Multiply"/> (every transpose,
/// overwriting and accumulating, padded leading dimensions whose gaps must survive), <see cref="Gemm.MultiplyAlone"/>, A
/// packed whole first (<see cref="Gemm.PackWhole"/>), δ read as images for A or B (<see cref="Gemm.MultiplyImagesA"/>,
/// <see cref="Gemm.MultiplyImagesB"/>, packed or not), and the small products of <see cref="Im2ColProducts"/>.</summary>
public static class GemmFuzz
{
    // Sizes around the micro-kernel's tiles (6 and 12 rows, 16 and 32 columns), primes, and one off multiples of 16 and 32.
    private static readonly int[] Special = [1, 2, 3, 5, 6, 7, 11, 12, 13, 15, 16, 17, 23, 24, 25, 31, 32, 33, 47, 48, 49, 63, 64, 65, 95, 96, 97, 127, 128, 129, 191, 193, 255, 256, 257, 263];

    private static int Size(Random rng, int max) => rng.Next(3) switch
    {
        0 => rng.Next(1, max + 1),
        _ => Math.Min(max, rng.Pick(Special)),
    };

    /// <summary>One random product: its sizes, transposes, padding, the entry points that take it, and the definition.</summary>
    public sealed class Problem
    {
        public bool TransA, TransB, Accumulate;
        public int M, N, K, Lda, Ldb, Ldc, APlane, BPlane;
        public float[] A, B, C, AImages, BImages;
        public float[][] Twin, Scale;

        public Problem(Random rng, long maxWork)
        {
            do
            {
                int shape = rng.Next(5);
                int max = shape == 0 ? 300 : 140;
                (M, N, K) = (Size(rng, max), Size(rng, max), Size(rng, max));
                if (shape == 1) M = rng.Next(1, 8); // few rows, tall k: column pieces
                if (shape == 2) N = rng.Next(1, 20);
                if (shape == 3) K = rng.Next(1, 5);
                if (shape == 4) (M, N, K) = (rng.Next(1, 33), rng.Next(1, 33), Size(rng, max)); // Im2ColProducts' sizes
            } while ((long)M * N * K > maxWork);
            (TransA, TransB, Accumulate) = (rng.Next(2) == 0, rng.Next(2) == 0, rng.Next(2) == 0);
            int pad = rng.Pick(0, 0, 1, 3, 16);
            Lda = (TransA ? M : K) + pad;
            Ldb = (TransB ? K : N) + pad;
            Ldc = N + pad;
            A = FuzzRun.Values(rng, (long)(TransA ? K : M) * Lda);
            B = FuzzRun.Values(rng, (long)(TransB ? N : K) * Ldb);
            C = FuzzRun.Values(rng, (long)M * Ldc);
            // δ as images: A [M × K] as [K/P × M × P], B [K × N] as [N/P × K × P], P a divisor of K or of N.
            APlane = Divisor(rng, K);
            BPlane = Divisor(rng, N);
            AImages = FuzzRun.Values(rng, (long)M * K);
            BImages = FuzzRun.Values(rng, (long)K * N);
            Twin = Products(A, B, C, AImages, BImages);
            Scale = Products(FuzzRun.Abs(A), FuzzRun.Abs(B), FuzzRun.Abs(C), FuzzRun.Abs(AImages), FuzzRun.Abs(BImages));
            // The gaps between C's rows are someone else's: exactly as they were.
            foreach (var s in Scale)
                for (int i = 0; i < M; i++) s.AsSpan(i * Ldc + N, Ldc - N).Clear();
        }

        private static int Divisor(Random rng, int n)
        {
            var divisors = Enumerable.Range(1, n).Where(d => n % d == 0).ToArray();
            return rng.Pick(divisors);
        }

        /// <summary>C (from its start when accumulating): 0 op(A)·op(B), 1 images-A·op(B), 2 op(A)·images-B, 3 A·B (no
        /// transposes, Im2ColProducts.Expand's form) with accumulate, 4 D[M×K] += A[M×N]·B[K×N]ᵀ (Reduce's form).</summary>
        private float[][] Products(float[] a, float[] b, float[] c, float[] aImages, float[] bImages)
        {
            var plain = (float[])c.Clone();
            GemmReference.Multiply(TransA, TransB, M, N, K, a, Lda, b, Ldb, plain, Ldc, Accumulate);
            var fromA = (float[])c.Clone();
            GemmReference.Multiply(false, TransB, M, N, K, Gather(aImages, M, K, APlane), K, b, Ldb, fromA, Ldc, Accumulate);
            var fromB = (float[])c.Clone();
            GemmReference.Multiply(TransA, false, M, N, K, a, Lda, Gather(bImages, K, N, BPlane), N, fromB, Ldc, Accumulate);
            return [plain, fromA, fromB];
        }

        /// <summary>The [rows × columns] matrix stored as images [columns/P × rows × P].</summary>
        public static float[] Gather(float[] images, int rows, int columns, int plane)
        {
            var m = new float[(long)rows * columns];
            for (int i = 0; i < rows; i++)
                for (int q = 0; q < columns; q++) m[(long)i * columns + q] = images[(long)(q / plane) * rows * plane + (long)i * plane + q % plane];
            return m;
        }

        public override string ToString() =>
            $"{(TransA ? "Aᵀ" : "A")}·{(TransB ? "Bᵀ" : "B")} {M}×{N}×{K}{(Accumulate ? " + C" : "")}, lda {Lda}, ldb {Ldb}, ldc {Ldc}, planes {APlane} and {BPlane}";
    }

    public static IReadOnlyList<FuzzRoute> Routes(Problem p)
    {
        var routes = new List<FuzzRoute>();
        static bool Always() => true;
        float[] Start(FuzzCall c) => p.Accumulate ? p.C : Unwritten(p);
        routes.Add(new("Gemm.Multiply", 0, Always, c =>
            Gemm.Multiply(p.TransA, p.TransB, p.M, p.N, p.K, c.In(p.A, "A"), p.Lda, c.In(p.B, "B"), p.Ldb, c.Out(Start(c)), p.Ldc, p.Accumulate)));
        routes.Add(new("Gemm.MultiplyAlone", 0, Always, c =>
            Gemm.MultiplyAlone(p.TransA, p.TransB, p.M, p.N, p.K, c.In(p.A, "A"), p.Lda, c.In(p.B, "B"), p.Ldb, c.Out(Start(c)), p.Ldc, p.Accumulate)));
        routes.Add(new("Gemm.MultiplyAlonePacked", 0, () => !p.Accumulate, c => Packed(c, p, images: false)));
        routes.Add(new("Gemm.MultiplyImagesA", 1, Always, c =>
            Gemm.MultiplyImagesA(p.M, p.N, p.K, c.In(p.AImages, "A images"), p.APlane, p.TransB, c.In(p.B, "B"), p.Ldb, c.Out(Start(c)), p.Ldc, p.Accumulate)));
        routes.Add(new("Gemm.MultiplyImagesA alone", 1, Always, c =>
            Gemm.MultiplyImagesA(p.M, p.N, p.K, c.In(p.AImages, "A images"), p.APlane, p.TransB, c.In(p.B, "B"), p.Ldb, c.Out(Start(c)), p.Ldc, p.Accumulate, mayUseTeam: false)));
        routes.Add(new("Gemm.MultiplyImagesB", 2, Always, c =>
            Gemm.MultiplyImagesB(p.TransA, p.M, p.N, p.K, c.In(p.A, "A"), p.Lda, c.In(p.BImages, "B images"), p.BPlane, c.Out(Start(c)), p.Ldc, p.Accumulate)));
        routes.Add(new("Gemm.MultiplyImagesBPacked", 2, () => !p.Accumulate, c => Packed(c, p, images: true)));
        // Im2ColProducts: no transposes; Expand overwrites or accumulates, Reduce accumulates with Bᵀ (its n is the GEMM's k).
        routes.Add(new("Im2ColProducts.Expand", 0, () => !p.TransA && !p.TransB && Im2ColProducts.SuitsExpand(p.M, p.K), c =>
            Im2ColProducts.Expand(p.M, p.N, p.K, c.In(p.A, "A"), p.Lda, c.In(p.B, "B"), p.Ldb, c.Out(Start(c)), p.Ldc, p.Accumulate)));
        routes.Add(new("Im2ColProducts.Reduce", 0, () => !p.TransA && p.TransB && p.Accumulate && Im2ColProducts.SuitsReduce(p.M, p.N), c =>
            Im2ColProducts.Reduce(p.M, p.N, p.K, c.In(p.A, "A"), p.Lda, c.In(p.B, "B"), p.Ldb, c.Out(p.C), p.Ldc)));
        return routes;
    }

    /// <summary>NaN where C is written, the start's values in the gaps between its rows (which must survive).</summary>
    private static float[] Unwritten(Problem p)
    {
        var c = (float[])p.C.Clone();
        for (int i = 0; i < p.M; i++) c.AsSpan(i * p.Ldc, p.N).Fill(float.NaN);
        return c;
    }

    private static unsafe void Packed(FuzzCall c, Problem p, bool images)
    {
        var a = c.In(p.A, "A");
        var packed = Guarded.Unwritten(Gemm.PackedWholeLength(p.M, p.K));
        fixed (float* pa = a, pp = packed.Span)
        {
            Gemm.PackWhole(p.TransA, p.M, p.K, pa, p.Lda, pp);
            if (packed.Trampled() is { } t) throw new InvalidOperationException($"PackWhole {t}");
            if (images) Gemm.MultiplyImagesBPacked(p.TransA, p.M, p.N, p.K, a, p.Lda, pp, c.In(p.BImages, "B images"), p.BPlane, c.Out(Unwritten(p)), p.Ldc);
            else Gemm.MultiplyAlonePacked(p.TransA, p.TransB, p.M, p.N, p.K, a, p.Lda, pp, c.In(p.B, "B"), p.Ldb, c.Out(Unwritten(p)), p.Ldc);
        }
    }
}
