using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Tests.Conv;

/// <summary>The reference twins of the convolution layers: the definitions written as plain loops, summed in double.</summary>
public static class DirectConvolution
{
    /// <summary>y[n,o,i,j] = b[o] + Σ_c Σ_p Σ_q w[o,c,p,q] · x[n, c, i·s − pad + p·d, j·s − pad + q·d].</summary>
    public static Tensor Forward(Tensor x, Tensor w, Tensor? b, (int H, int W) stride, (int H, int W) pad, (int H, int W) dil)
    {
        int n = x.Dim(0), c = x.Dim(1), h = x.Dim(2), wd = x.Dim(3);
        int o = w.Dim(0), kh = w.Dim(2), kw = w.Dim(3);
        int oh = (h + 2 * pad.H - dil.H * (kh - 1) - 1) / stride.H + 1;
        int ow = (wd + 2 * pad.W - dil.W * (kw - 1) - 1) / stride.W + 1;
        var y = new Tensor(n, o, oh, ow);
        for (int ni = 0; ni < n; ni++)
            for (int oc = 0; oc < o; oc++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++)
                    {
                        double s = b is null ? 0 : b[oc];
                        for (int ci = 0; ci < c; ci++)
                            for (int p = 0; p < kh; p++)
                                for (int q = 0; q < kw; q++)
                                {
                                    int r = i * stride.H - pad.H + p * dil.H, t = j * stride.W - pad.W + q * dil.W;
                                    if (r < 0 || r >= h || t < 0 || t >= wd) continue;
                                    s += (double)w[((oc * c + ci) * kh + p) * kw + q] * x[((ni * c + ci) * h + r) * wd + t];
                                }
                        y[((ni * o + oc) * oh + i) * ow + j] = (float)s;
                    }
        return y;
    }

    /// <summary>Transposed convolution as a scatter: each x[n,c,i,j] adds x·w[c,o,p,q] to y[n, o, i·s − pad + p·d, j·s − pad + q·d].</summary>
    public static Tensor Transposed(Tensor x, Tensor w, Tensor? b, (int H, int W) stride, (int H, int W) pad, (int H, int W) outPad, (int H, int W) dil)
    {
        int n = x.Dim(0), c = x.Dim(1), h = x.Dim(2), wd = x.Dim(3);
        int o = w.Dim(1), kh = w.Dim(2), kw = w.Dim(3);
        int oh = (h - 1) * stride.H - 2 * pad.H + dil.H * (kh - 1) + outPad.H + 1;
        int ow = (wd - 1) * stride.W - 2 * pad.W + dil.W * (kw - 1) + outPad.W + 1;
        var acc = new double[n * o * oh * ow];
        for (int ni = 0; ni < n; ni++)
            for (int ci = 0; ci < c; ci++)
                for (int i = 0; i < h; i++)
                    for (int j = 0; j < wd; j++)
                        for (int oc = 0; oc < o; oc++)
                            for (int p = 0; p < kh; p++)
                                for (int q = 0; q < kw; q++)
                                {
                                    int r = i * stride.H - pad.H + p * dil.H, t = j * stride.W - pad.W + q * dil.W;
                                    if (r < 0 || r >= oh || t < 0 || t >= ow) continue;
                                    acc[((ni * o + oc) * oh + r) * ow + t] += (double)x[((ni * c + ci) * h + i) * wd + j] * w[((ci * o + oc) * kh + p) * kw + q];
                                }
        var y = new Tensor(n, o, oh, ow);
        for (int k = 0; k < acc.Length; k++) y[k] = (float)(acc[k] + (b is null ? 0 : b[k / (oh * ow) % o]));
        return y;
    }
}
