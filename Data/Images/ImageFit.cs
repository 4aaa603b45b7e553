namespace NeuralPipelines.Data.Images;

/// <summary>How a photo of any shape becomes a square of the model's size.</summary>
public enum ImageFit
{
    /// <summary>Scale the shorter side to the size and cut the centre square: no distortion, the edges of the longer side are lost.</summary>
    CenterCrop,
    /// <summary>Scale each side to the size: the whole picture is kept, squeezed if it was not square.</summary>
    Resize,
}
