namespace NeuralPipelines.Data.Images;

/// <summary>sRGB ↔ CIE L*a*b* under the D65 white (IEC 61966-2-1 and CIE 15): the colour space of the colorizer, which
/// sees lightness L* and predicts the two chroma axes a*, b*.</summary>
/// <remarks>
/// sRGB in [0, 1] → linear light (the sRGB tone curve) → XYZ (the sRGB primaries' matrix) → L*a*b* relative to the D65
/// white, with the CIE's cube root and its linear segment below (6/29)³. The white is taken as the matrix's row sums, so
/// sRGB white is exactly (100, 0, 0) and greys have a* = b* = 0; the inverse matrix is computed from the forward one, so a
/// round trip is limited by float rounding only. Arithmetic is in double; L* ∈ [0, 100], a*, b* ∈ about [−108, 98] inside
/// the sRGB gamut. Going back, colours outside the gamut (a network can predict any a*, b*) are clipped to [0, 1].
/// </remarks>
public static class CieLab
{
    private static readonly double[,] RgbToXyz =
    {
        { 0.4124564, 0.3575761, 0.1804375 },
        { 0.2126729, 0.7151522, 0.0721750 },
        { 0.0193339, 0.1191920, 0.9503041 },
    };
    private static readonly double[,] XyzToRgb = Invert(RgbToXyz);
    private static readonly double Xn = RgbToXyz[0, 0] + RgbToXyz[0, 1] + RgbToXyz[0, 2];
    private static readonly double Yn = RgbToXyz[1, 0] + RgbToXyz[1, 1] + RgbToXyz[1, 2];
    private static readonly double Zn = RgbToXyz[2, 0] + RgbToXyz[2, 1] + RgbToXyz[2, 2];
    private const double Delta = 6.0 / 29.0;

    /// <summary>The sRGB primaries' matrix, linear RGB → XYZ (a copy): the ONNX colorizing graph builds its 1×1
    /// convolutions from these, so the C# and ONNX conversions cannot drift apart.</summary>
    public static double[,] LinearRgbToXyz => (double[,])RgbToXyz.Clone();

    /// <summary>XYZ → linear RGB, the inverse of <see cref="LinearRgbToXyz"/> (a copy).</summary>
    public static double[,] XyzToLinearRgb => (double[,])XyzToRgb.Clone();

    /// <summary>The reference white (Xn, Yn, Zn): the matrix's row sums, so sRGB white is exactly L* = 100.</summary>
    public static (double X, double Y, double Z) White => (Xn, Yn, Zn);

    /// <summary>One sRGB colour (components in [0, 1]) as (L*, a*, b*).</summary>
    public static (double L, double A, double B) FromSrgb(double r, double g, double b)
    {
        double lr = ToLinear(r), lg = ToLinear(g), lb = ToLinear(b);
        double x = RgbToXyz[0, 0] * lr + RgbToXyz[0, 1] * lg + RgbToXyz[0, 2] * lb;
        double y = RgbToXyz[1, 0] * lr + RgbToXyz[1, 1] * lg + RgbToXyz[1, 2] * lb;
        double z = RgbToXyz[2, 0] * lr + RgbToXyz[2, 1] * lg + RgbToXyz[2, 2] * lb;
        double fx = F(x / Xn), fy = F(y / Yn), fz = F(z / Zn);
        return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz));
    }

    /// <summary>(L*, a*, b*) as sRGB components, clipped to [0, 1] when the colour is outside the sRGB gamut.</summary>
    public static (double R, double G, double B) ToSrgb(double l, double a, double b)
    {
        double fy = (l + 16) / 116, fx = fy + a / 500, fz = fy - b / 200;
        double x = Xn * FInverse(fx), y = Yn * FInverse(fy), z = Zn * FInverse(fz);
        double lr = XyzToRgb[0, 0] * x + XyzToRgb[0, 1] * y + XyzToRgb[0, 2] * z;
        double lg = XyzToRgb[1, 0] * x + XyzToRgb[1, 1] * y + XyzToRgb[1, 2] * z;
        double lb = XyzToRgb[2, 0] * x + XyzToRgb[2, 1] * y + XyzToRgb[2, 2] * z;
        return (Math.Clamp(ToGamma(lr), 0, 1), Math.Clamp(ToGamma(lg), 0, 1), Math.Clamp(ToGamma(lb), 0, 1));
    }

    /// <summary>Planar RGB [3 × P] → planar Lab [3 × P] (L*, a*, b* planes).</summary>
    public static void FromSrgb(ReadOnlySpan<float> rgb, Span<float> lab)
    {
        int p = Planes(rgb, lab);
        for (int i = 0; i < p; i++)
        {
            var (l, a, b) = FromSrgb(rgb[i], rgb[p + i], rgb[2 * p + i]);
            lab[i] = (float)l; lab[p + i] = (float)a; lab[2 * p + i] = (float)b;
        }
    }

    /// <summary>Planar Lab [3 × P] → planar RGB [3 × P], clipped to [0, 1].</summary>
    public static void ToSrgb(ReadOnlySpan<float> lab, Span<float> rgb)
    {
        int p = Planes(lab, rgb);
        for (int i = 0; i < p; i++)
        {
            var (r, g, b) = ToSrgb(lab[i], lab[p + i], lab[2 * p + i]);
            rgb[i] = (float)r; rgb[p + i] = (float)g; rgb[2 * p + i] = (float)b;
        }
    }

    private static int Planes(ReadOnlySpan<float> from, Span<float> to)
    {
        if (from.Length % 3 != 0 || to.Length != from.Length)
            throw new ArgumentException($"Colour conversion needs two planar [3 × P] buffers of the same size, got {from.Length} and {to.Length} values.");
        return from.Length / 3;
    }

    /// <summary>The sRGB tone curve undone: linear light.</summary>
    private static double ToLinear(double c) => c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);

    private static double ToGamma(double c) => c <= 0.0031308 ? 12.92 * c : 1.055 * Math.Pow(c, 1 / 2.4) - 0.055;

    private static double F(double t) => t > Delta * Delta * Delta ? Math.Cbrt(t) : t / (3 * Delta * Delta) + 4.0 / 29.0;

    private static double FInverse(double t) => t > Delta ? t * t * t : 3 * Delta * Delta * (t - 4.0 / 29.0);

    private static double[,] Invert(double[,] m)
    {
        double a = m[0, 0], b = m[0, 1], c = m[0, 2], d = m[1, 0], e = m[1, 1], f = m[1, 2], g = m[2, 0], h = m[2, 1], k = m[2, 2];
        double det = a * (e * k - f * h) - b * (d * k - f * g) + c * (d * h - e * g);
        return new[,]
        {
            { (e * k - f * h) / det, (c * h - b * k) / det, (b * f - c * e) / det },
            { (f * g - d * k) / det, (a * k - c * g) / det, (c * d - a * f) / det },
            { (d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det },
        };
    }
}
