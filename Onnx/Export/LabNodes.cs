using NeuralPipelines.Data.Images;

namespace NeuralPipelines.Onnx.Export;

/// <summary>sRGB ↔ the colorizer's scaled Lab written as standard ONNX nodes (Pow, Where, 1×1 Conv for the matrices, Clip),
/// the same equations as <see cref="CieLab"/> and <see cref="LabScaling"/>, so that a graph can take RGB pixels and give
/// RGB pixels around a colorizer that reads L and predicts ab.</summary>
/// <remarks>
/// The constants come from <see cref="CieLab"/> (the sRGB matrix, its inverse, the white) and <see cref="LabScaling"/>
/// (L*/50 − 1, ab/110), folded into the 1×1 convolutions' weights and biases where that is exact algebra. The sRGB tone
/// curve's constants (IEC 61966-2-1) and the CIE's (6/29)³ are spelled here a second time, as CieLab keeps them private
/// and inline; the tests hold the two conversions to each other on real photos. Arithmetic is float32 here, double in
/// CieLab: they agree to a few 1e-6 on [0, 1] pixels.
/// </remarks>
public static class LabNodes
{
    private const float Delta = 6f / 29f;

    /// <summary>Scaled lightness [N, 1, H, W] (L*/50 − 1, what the colorizer reads) of sRGB pixels [N, 3, H, W] in [0, 1].</summary>
    /// <remarks>Only L* is needed on the way in, so only XYZ's Y row is computed: Y/Yn = (row 1 of the matrix)/Yn · linear RGB.</remarks>
    public static string ScaledLightness(OnnxGraphBuilder b, string rgb)
    {
        var c = Clip(b, rgb, "lab.rgb_clipped");
        // The sRGB tone curve undone: c/12.92 at or below 0.04045, ((c + 0.055)/1.055)^2.4 above.
        var dark = b.AddNode("Div", "lab.linear_dark", [c, Scalar(b, "lab.12_92", 12.92f)]);
        var shifted = b.AddNode("Div", "lab.shifted", [b.AddNode("Add", "lab.plus_0_055", [c, Scalar(b, "lab.0_055", 0.055f)]), Scalar(b, "lab.1_055", 1.055f)]);
        var bright = b.AddNode("Pow", "lab.linear_bright", [shifted, Scalar(b, "lab.2_4", 2.4f)]);
        var isDark = b.AddNode("LessOrEqual", "lab.is_dark", [c, Scalar(b, "lab.0_04045", 0.04045f)]);
        var linear = b.AddNode("Where", "lab.linear", [isDark, dark, bright]);

        var m = CieLab.LinearRgbToXyz;
        double yn = CieLab.White.Y;
        var yRow = b.AddInitializer("lab.y_over_yn", [1, 3, 1, 1], [(float)(m[1, 0] / yn), (float)(m[1, 1] / yn), (float)(m[1, 2] / yn)]);
        var t = b.AddNode("Conv", "lab.y_relative", [linear, yRow]);

        // f(t) = t^(1/3) above (6/29)³, t/(3·(6/29)²) + 4/29 below.
        var cube = b.AddNode("Pow", "lab.f_root", [t, Scalar(b, "lab.one_third", 1f / 3f)]);
        var line = b.AddNode("Add", "lab.f_line", [b.AddNode("Div", "lab.f_slope", [t, Scalar(b, "lab.3_delta2", 3f * Delta * Delta)]), Scalar(b, "lab.4_29", 4f / 29f)]);
        var above = b.AddNode("Greater", "lab.f_above", [t, Scalar(b, "lab.delta3", Delta * Delta * Delta)]);
        var f = b.AddNode("Where", "lab.f", [above, cube, line]);

        // L* = 116 f − 16, then L*/50 − 1.
        var lStar = b.AddNode("Sub", "lab.l_star", [b.AddNode("Mul", "lab.116f", [f, Scalar(b, "lab.116", 116f)]), Scalar(b, "lab.16", 16f)]);
        var halved = b.AddNode("Div", "lab.l_over_half_range", [lStar, Scalar(b, "lab.l_half_range", LabScaling.LightnessHalfRange)]);
        return b.AddNode("Sub", "lab.l_scaled", [halved, Scalar(b, "lab.1", 1f)]);
    }

    /// <summary>sRGB pixels [N, 3, H, W] in [0, 1] from scaled lightness [N, 1, H, W] and scaled chroma [N, 2, H, W];
    /// colours outside the gamut are clipped, as <see cref="CieLab.ToSrgb(double, double, double)"/> clips them.</summary>
    public static string Srgb(OnnxGraphBuilder b, string scaledLightness, string scaledChroma)
    {
        var lab = b.AddNode("Concat", "lab.scaled_lab", [scaledLightness, scaledChroma], OnnxGraphBuilder.Attribute("axis", 1L));
        // fy = (L* + 16)/116, fx = fy + a*/500, fz = fy − b*/200, with L* = 50(l + 1), a* = 110a', b* = 110b':
        // one 1×1 convolution with a bias, exact algebra on the scaling.
        double h = LabScaling.LightnessHalfRange, k = LabScaling.ChromaScale;
        float lw = (float)(h / 116), bias = (float)((h + 16) / 116);
        var w = b.AddInitializer("lab.to_f", [3, 3, 1, 1],
        [
            lw, (float)(k / 500), 0f,
            lw, 0f, 0f,
            lw, 0f, (float)(-k / 200),
        ]);
        var fBias = b.AddInitializer("lab.to_f_bias", [3], [bias, bias, bias]);
        var f = b.AddNode("Conv", "lab.f_xyz", [lab, w, fBias]);

        // f⁻¹(t) = t³ above 6/29, 3·(6/29)²·(t − 4/29) below.
        var cube = b.AddNode("Mul", "lab.f_cubed", [b.AddNode("Mul", "lab.f_squared", [f, f]), f]);
        var line = b.AddNode("Mul", "lab.f_inverse_line", [b.AddNode("Sub", "lab.f_minus_4_29", [f, Scalar(b, "lab.4_29", 4f / 29f)]), Scalar(b, "lab.3_delta2", 3f * Delta * Delta)]);
        var above = b.AddNode("Greater", "lab.f_inverse_above", [f, Scalar(b, "lab.delta", Delta)]);
        var relative = b.AddNode("Where", "lab.xyz_relative", [above, cube, line]);

        // linear RGB = M⁻¹ · diag(white) · (X/Xn, Y/Yn, Z/Zn).
        var inverse = CieLab.XyzToLinearRgb;
        var white = CieLab.White;
        double[] wn = [white.X, white.Y, white.Z];
        var weights = new float[9];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                weights[i * 3 + j] = (float)(inverse[i, j] * wn[j]);
        var linear = b.AddNode("Conv", "lab.linear_rgb", [relative, b.AddInitializer("lab.xyz_to_rgb", [3, 3, 1, 1], weights)]);

        // The sRGB tone curve: 12.92·c at or below 0.0031308, 1.055·c^(1/2.4) − 0.055 above (Max keeps Pow off negatives).
        var dark = b.AddNode("Mul", "lab.gamma_dark", [linear, Scalar(b, "lab.12_92", 12.92f)]);
        var floor = Scalar(b, "lab.0_0031308", 0.0031308f);
        var root = b.AddNode("Pow", "lab.gamma_root", [b.AddNode("Max", "lab.gamma_floor", [linear, floor]), Scalar(b, "lab.inverse_2_4", 1f / 2.4f)]);
        var bright = b.AddNode("Sub", "lab.gamma_bright", [b.AddNode("Mul", "lab.gamma_scaled", [root, Scalar(b, "lab.1_055", 1.055f)]), Scalar(b, "lab.0_055", 0.055f)]);
        var isDark = b.AddNode("LessOrEqual", "lab.gamma_is_dark", [linear, floor]);
        return Clip(b, b.AddNode("Where", "lab.srgb_unclipped", [isDark, dark, bright]), "lab.srgb");
    }

    private static string Clip(OnnxGraphBuilder b, string x, string hint) =>
        b.AddNode("Clip", hint, [x, Scalar(b, "lab.zero", 0f), Scalar(b, "lab.one", 1f)]);

    /// <summary>A float scalar initializer (rank 0, broadcasts against anything).</summary>
    private static string Scalar(OnnxGraphBuilder b, string hint, float value) => b.AddInitializer(hint, [], [value]);
}
