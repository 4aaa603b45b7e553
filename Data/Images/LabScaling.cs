namespace NeuralPipelines.Data.Images;

/// <summary>How the colorizer's tensors hold Lab: L* ∈ [0, 100] as L*/50 − 1 ∈ [−1, 1], and a*, b* divided by 110, so the
/// whole sRGB gamut (a* ∈ [−86, 98], b* ∈ [−108, 95]) lands inside the tanh's (−1, 1) with a little room to spare.</summary>
/// <remarks>110 is the divisor of the pix2pix reference implementation's colorization data; ÷128 would waste a sixth of the
/// range. Every reader and writer of colorizer tensors goes through here, so the scale is spelled once.</remarks>
public static class LabScaling
{
    public const float LightnessHalfRange = 50f;
    public const float ChromaScale = 110f;

    /// <summary>Planar RGB [3 × P] in [0, 1] → the model's input L [P] and target ab [2 × P], both scaled to [−1, 1].</summary>
    public static void FromSrgb(ReadOnlySpan<float> rgb, Span<float> lightness, Span<float> chroma, Span<float> scratch)
    {
        int p = rgb.Length / 3;
        if (lightness.Length != p || chroma.Length != 2 * p || scratch.Length < 3 * p)
            throw new ArgumentException($"Lab scaling: RGB of {rgb.Length} values needs L of {p} and ab of {2 * p} values, got {lightness.Length} and {chroma.Length}.");
        var lab = scratch[..(3 * p)];
        CieLab.FromSrgb(rgb, lab);
        for (int i = 0; i < p; i++) lightness[i] = lab[i] / LightnessHalfRange - 1f;
        for (int i = 0; i < 2 * p; i++) chroma[i] = lab[p + i] / ChromaScale;
    }

    /// <summary>The model's L [P] and ab [2 × P] (scaled) → planar RGB [3 × P] in [0, 1].</summary>
    public static void ToSrgb(ReadOnlySpan<float> lightness, ReadOnlySpan<float> chroma, Span<float> rgb, Span<float> scratch)
    {
        int p = lightness.Length;
        if (chroma.Length != 2 * p || rgb.Length != 3 * p || scratch.Length < 3 * p)
            throw new ArgumentException($"Lab scaling: L of {p} values needs ab of {2 * p} and RGB of {3 * p} values, got {chroma.Length} and {rgb.Length}.");
        var lab = scratch[..(3 * p)];
        for (int i = 0; i < p; i++) lab[i] = (lightness[i] + 1f) * LightnessHalfRange;
        for (int i = 0; i < 2 * p; i++) lab[p + i] = chroma[i] * ChromaScale;
        CieLab.ToSrgb(lab, rgb);
    }
}
