using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralPipelines.Models.Kernels;

public static partial class DirectConv2d
{
    /// <summary>
    /// Where each 16-position vector of a plane's 48-wide blocks lands in the output plane: which of its lanes are kept
    /// (a position whose column is inside the output row, before the plane's last kept position) and the output index of
    /// its first kept one. With these a block moves to its rows as three compresses and three full stores per channel
    /// (<see cref="Compress"/>), where <see cref="CopyBlock"/> copies each run of kept positions on its own.
    /// </summary>
    /// <remarks>
    /// <para>Why: the runs are short and of lengths that change from block to block (a 28-wide output row in a 29-wide
    /// plane row cuts a 48-wide block into two or three), so the copy per run, with its length tests and a division per
    /// run, was 18 % of the direct kernel's forward time in a ResNet-8 step (perf, Zen 5).</para>
    /// <para>A full store writes 16 floats from the vector's first output index, the kept ones first: the floats past them
    /// belong to later positions of the same output plane, which later vectors and blocks of the same channel write
    /// again. So a block may compress only where those 16 floats stay inside the plane (<see cref="Compresses"/>); the
    /// plane's last blocks take <see cref="CopyBlock"/>. Added onto the planes (a residual block's share of ∂C/∂x), the
    /// lanes past the kept ones add −0 and store back what was there. No float is computed differently: the same bits as
    /// the copy.</para>
    /// </remarks>
    private sealed class BlockLanes
    {
        private const int Vectors = WideBlock / WideLanes;
        // One per thread: a thread's images all have the same layout within one call.
        [ThreadStatic] private static BlockLanes? t_lanes;

        private int _positions, _width, _outWidth;
        private Vector512<float>[] _masks = [];
        private int[] _starts = [];
        private bool[] _fits = [];

        /// <summary>The lanes of planes <paramref name="width"/> wide with <paramref name="positions"/> positions and output
        /// rows <paramref name="outWidth"/> wide (reused while the layout stays the same).</summary>
        public static BlockLanes For(int positions, int width, int outWidth)
        {
            var lanes = t_lanes ??= new BlockLanes();
            if (lanes._positions != positions || lanes._width != width || lanes._outWidth != outWidth) lanes.Build(positions, width, outWidth);
            return lanes;
        }

        private void Build(int positions, int width, int outWidth)
        {
            (_positions, _width, _outWidth) = (positions, width, outWidth);
            int blocks = (positions + WideBlock - 1) / WideBlock, vectors = blocks * Vectors, plane = Kept(positions, width, outWidth);
            if (_masks.Length < vectors) (_masks, _starts) = (new Vector512<float>[vectors], new int[vectors]);
            if (_fits.Length < blocks) _fits = new bool[blocks];
            Span<int> lane = stackalloc int[WideLanes];
            for (int k = 0; k < blocks; k++)
            {
                bool fits = true;
                for (int v = 0; v < Vectors; v++)
                {
                    int first = k * WideBlock + v * WideLanes;
                    for (int j = 0; j < WideLanes; j++)
                    {
                        int pos = first + j;
                        lane[j] = pos < positions && pos % width < outWidth ? -1 : 0;
                    }
                    _masks[k * Vectors + v] = Vector512.Create((ReadOnlySpan<int>)lane).AsSingle();
                    int start = Kept(first, width, outWidth);
                    _starts[k * Vectors + v] = start;
                    if (start + WideLanes > plane) fits = false;
                }
                _fits[k] = fits;
            }
        }

        /// <summary>Whether block <paramref name="k"/>'s full stores stay inside the output plane.</summary>
        public bool Compresses(int k) => _fits[k] && Avx512F.IsSupported;

        /// <summary>Block <paramref name="k"/>, staged as <paramref name="channels"/> rows of <see cref="WideBlock"/>
        /// floats, into the output planes [channels × p] at <paramref name="y"/>; with <paramref name="adding"/>, onto
        /// them.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public unsafe void Compress(int k, float* staged, int channels, float* y, int p, bool adding)
        {
            fixed (Vector512<float>* masks = &_masks[k * Vectors]) fixed (int* starts = &_starts[k * Vectors])
            {
                var m0 = masks[0]; var m1 = masks[1]; var m2 = masks[2];
                float* y0 = y + starts[0], y1 = y + starts[1], y2 = y + starts[2];
                if (adding)
                {
                    // The lanes past the kept ones add −0, which leaves every float as it is (+0 would turn −0 into +0):
                    // the full store writes back what later positions held.
                    var none = Vector512.Create(-0f);
                    for (int c = 0; c < channels; c++, staged += WideBlock, y0 += p, y1 += p, y2 += p)
                    {
                        Vector512.Store(Vector512.Load(y0) + Avx512F.Compress(none, m0, Vector512.Load(staged)), y0);
                        Vector512.Store(Vector512.Load(y1) + Avx512F.Compress(none, m1, Vector512.Load(staged + WideLanes)), y1);
                        Vector512.Store(Vector512.Load(y2) + Avx512F.Compress(none, m2, Vector512.Load(staged + 2 * WideLanes)), y2);
                    }
                    return;
                }
                for (int c = 0; c < channels; c++, staged += WideBlock, y0 += p, y1 += p, y2 += p)
                {
                    // In order: each store's floats past its kept ones are overwritten by the next.
                    Vector512.Store(Avx512F.Compress(Vector512<float>.Zero, m0, Vector512.Load(staged)), y0);
                    Vector512.Store(Avx512F.Compress(Vector512<float>.Zero, m1, Vector512.Load(staged + WideLanes)), y1);
                    Vector512.Store(Avx512F.Compress(Vector512<float>.Zero, m2, Vector512.Load(staged + 2 * WideLanes)), y2);
                }
            }
        }

        // Output index of the first kept position at or after plane position q.
        private static int Kept(int q, int width, int outWidth)
        {
            int r = q / width, x = q - r * width;
            return r * outWidth + Math.Min(x, outWidth);
        }
    }
}
