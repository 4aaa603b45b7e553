using System.Globalization;
using NeuralPipelines.Data.Augmentation;
using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Settings;

namespace NeuralPipelines.Models.Training.Recipes;

/// <summary>How one architecture is trained on one family of datasets to reach its documented result: optimiser, η,
/// batch size, epochs, schedule, augmentation, weight decay, dropout and cost (and, for the MLP, its shape). The one place
/// these defaults live: <c>np train</c>, the ML.NET estimator and the demo all start from a recipe and override values.</summary>
/// <param name="Name">e.g. "lenet5/mnist".</param>
/// <param name="Result">The documented figure this recipe reaches and where it is written down.</param>
public sealed record TrainingRecipe(
    string Name,
    string Result,
    OptimizerSettings Optimizer,
    float LearningRate,
    int BatchSize,
    int Epochs,
    LearningRateSchedule Schedule,
    CostKind Cost,
    AugmentationOptions? Augmentation = null,
    float L2 = 0f,
    float Dropout = 0f,
    bool EvaluateTrainingSet = false,
    MlpShape? Mlp = null)
{
    /// <summary>The trainer options of this recipe; the caller overrides single values with <c>with</c>.</summary>
    public TrainerOptions ToOptions(int seed = 1) => new()
    {
        Epochs = Epochs,
        BatchSize = BatchSize,
        LearningRate = LearningRate,
        Schedule = Schedule,
        Optimizer = Optimizer,
        L2 = L2,
        Seed = seed,
        Augmentation = Augmentation,
        EvaluateTrainingSet = EvaluateTrainingSet,
    };

    /// <summary>One line for <c>--help</c> and logs, e.g. "sgd μ=0.9 η=0.05, batch 64, 10 epochs, cosine, augment standard".</summary>
    public string Describe()
    {
        var ci = CultureInfo.InvariantCulture;
        var parts = new List<string>();
        if (Mlp is { } m) parts.Add($"layers {string.Join(",", m.Hidden.Prepend(784).Append(10))} {m.Activation} {Initializers.Name(m.Init)} init");
        parts.Add(SettingNames.Name(Cost));
        parts.Add(Optimizer.Kind == OptimizerKind.Sgd && Optimizer.Momentum > 0
            ? string.Create(ci, $"sgd μ={Optimizer.Momentum} η={LearningRate}")
            : string.Create(ci, $"{SettingNames.Name(Optimizer.Kind)} η={LearningRate}"));
        parts.Add($"batch {BatchSize}");
        parts.Add($"{Epochs} epochs");
        parts.Add(Schedule.ToString());
        if (Augmentation is { } a)
        {
            var moves = new List<string>();
            if (a.MaxRotationDegrees > 0) moves.Add(string.Create(ci, $"rotate={a.MaxRotationDegrees}"));
            if (a.MaxShift > 0) moves.Add(string.Create(ci, $"shift={a.MaxShift}"));
            if (a.BlurProbability > 0) moves.Add(string.Create(ci, $"blur={a.BlurProbability}"));
            parts.Add(a == AugmentationOptions.Standard ? "augment standard" : $"augment {string.Join(",", moves)}");
        }
        if (L2 > 0) parts.Add(string.Create(ci, $"l2 {L2}"));
        if (Dropout > 0) parts.Add(string.Create(ci, $"dropout {Dropout}"));
        return string.Join(", ", parts);
    }
}

/// <summary>The MLP's shape in a recipe: hidden layer sizes (input and classes come from the data), activation, initialisation.</summary>
public sealed record MlpShape(int[] Hidden, string Activation, Initializer Init);
