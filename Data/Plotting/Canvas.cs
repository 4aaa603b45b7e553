using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuralPipelines.Data.Plotting;

/// <summary>The few raster operations a plot needs (points, thick lines, rectangles, text) on an ImageSharp image.</summary>
public sealed class Canvas(Image<Rgba32> image)
{
    public Image<Rgba32> Image { get; } = image;

    public int Width => Image.Width;
    public int Height => Image.Height;

    public void Set(int x, int y, Rgba32 color)
    {
        if ((uint)x < (uint)Width && (uint)y < (uint)Height) Image[x, y] = color;
    }

    public void FillRectangle(int x, int y, int w, int h, Rgba32 color)
    {
        for (int j = y; j < y + h; j++)
            for (int i = x; i < x + w; i++) Set(i, j, color);
    }

    /// <summary>A line of the given thickness, stamped as small squares every quarter pixel (good enough for plots).</summary>
    public void Line(double x0, double y0, double x1, double y1, Rgba32 color, double thickness = 1)
    {
        double length = Math.Sqrt((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0));
        int steps = Math.Max(1, (int)Math.Ceiling(length * 4));
        int r = Math.Max(0, (int)Math.Round((thickness - 1) / 2));
        for (int s = 0; s <= steps; s++)
        {
            double t = (double)s / steps;
            int cx = (int)Math.Round(x0 + (x1 - x0) * t), cy = (int)Math.Round(y0 + (y1 - y0) * t);
            for (int dy = -r; dy <= r; dy++)
                for (int dx = -r; dx <= r; dx++) Set(cx + dx, cy + dy, color);
        }
    }

    public void Text(int x, int y, string text, Rgba32 color, int scale = 2)
    {
        for (int n = 0; n < text.Length; n++)
            for (int gy = 0; gy < PixelFont.Height; gy++)
                for (int gx = 0; gx < PixelFont.Width; gx++)
                    if (PixelFont.IsSet(text[n], gx, gy))
                        FillRectangle(x + (n * (PixelFont.Width + 1) + gx) * scale, y + gy * scale, scale, scale, color);
    }

    /// <summary>Text rotated a quarter turn anticlockwise (for a y-axis label), reading bottom to top from (x, y).</summary>
    public void TextUp(int x, int y, string text, Rgba32 color, int scale = 2)
    {
        for (int n = 0; n < text.Length; n++)
            for (int gy = 0; gy < PixelFont.Height; gy++)
                for (int gx = 0; gx < PixelFont.Width; gx++)
                    if (PixelFont.IsSet(text[n], gx, gy))
                        FillRectangle(x + gy * scale, y - (n * (PixelFont.Width + 1) + gx + 1) * scale, scale, scale, color);
    }
}
