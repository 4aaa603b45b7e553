namespace NeuralPipelines.Models.Layers;

/// <summary>A layer that draws random numbers while training (dropout). The trainer reseeds it from (seed, epoch)
/// at the start of every epoch, so a resumed run draws exactly what an uninterrupted one would.</summary>
public interface IStochasticLayer
{
    void Reseed(int seed);
}
