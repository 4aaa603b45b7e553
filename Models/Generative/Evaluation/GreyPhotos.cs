using NeuralPipelines.Data.Images;

namespace NeuralPipelines.Models.Generative.Evaluation;

/// <summary>Photos with their colour taken out in the colorizer's own space: each photo's CIE L with a* = b* = 0, back in
/// sRGB. It is the input a colorizer sees, shown as an image, and so the floor every colorizer is measured against.</summary>
public static class GreyPhotos
{
    public static PhotoSet Of(PhotoSet photos)
    {
        int length = photos.ImageLength, plane = length / 3;
        var grey = new float[photos.Pixels.Length];
        var lab = new float[length];
        for (int i = 0; i < photos.Count; i++)
        {
            CieLab.FromSrgb(photos.Image(i), lab);
            lab.AsSpan(plane).Clear();
            CieLab.ToSrgb(lab, grey.AsSpan(i * length, length));
        }
        return photos with { Pixels = grey };
    }
}
