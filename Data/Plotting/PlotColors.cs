using SixLabors.ImageSharp.PixelFormats;

namespace NeuralPipelines.Data.Plotting;

/// <summary>A small palette that stays distinguishable for common colour-vision deficiencies (Okabe–Ito).</summary>
public static class PlotColors
{
    public static readonly Rgba32 Black = new(0, 0, 0);
    public static readonly Rgba32 Grey = new(200, 200, 200);
    public static readonly Rgba32 White = new(255, 255, 255);
    public static readonly Rgba32 Orange = new(230, 159, 0);
    public static readonly Rgba32 SkyBlue = new(86, 180, 233);
    public static readonly Rgba32 Green = new(0, 158, 115);
    public static readonly Rgba32 Blue = new(0, 114, 178);
    public static readonly Rgba32 Vermillion = new(213, 94, 0);
    public static readonly Rgba32 Purple = new(204, 121, 167);

    /// <summary>Colours for series 0, 1, 2, … in order.</summary>
    public static readonly Rgba32[] Cycle = [Blue, Orange, Green, Vermillion, Purple, SkyBlue, Black];
}
