using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Losses;

namespace NeuralPipelines.Models.Zoo;

/// <summary>The zoo's default MLP: one hidden layer of 100 ReLU units, He initialisation, logits out (for softmax + log-likelihood).
/// <c>np train mlp</c> builds its own from --layers; this entry lets other code ask the zoo for "mlp" like any network.</summary>
public sealed class MlpArchitecture : IZooArchitecture
{
    public string Name => "mlp";

    public string Description => "Multilayer perceptron, input-100-classes, ReLU (Nielsen ch. 1–3); np train mlp --layers sets any sizes.";

    public Layer Build(ZooOptions options) => Mlp.Build(new MlpOptions(
        [options.Channels * options.Height * options.Width, 100, options.Classes], "relu", Initializer.He, options.Dropout, CostKind.LogLikelihood, options.Seed));
}
