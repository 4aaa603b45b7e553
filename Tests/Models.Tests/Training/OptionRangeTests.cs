using NeuralPipelines.Models.Generative.Pix2Pix;
using NeuralPipelines.Models.Generative.Training;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Training;

namespace NeuralPipelines.Models.Tests.Training;

/// <summary>Options out of range name what the caller set: the property for code that uses the library (audit E5: an app
/// was told "--epochs must be at least 1"), the option for the command line, from one rule.</summary>
public sealed class OptionRangeTests
{
    [Fact]
    public void An_option_out_of_range_names_the_property_and_keeps_the_command_lines_option()
    {
        var e = Assert.Throws<OptionRangeException>(() => new TrainerOptions { Epochs = 0 }.Validate());
        Assert.Equal("Epochs must be at least 1, got 0.", e.Message);
        Assert.Equal("--epochs must be at least 1, got 0.", e.CommandLineMessage);
        Assert.Equal(("Epochs", "--epochs"), (e.Property, e.Option));

        // Audit L6: these said "Batch size", "Regularisation λ (L2 -1, L1 0)", naming neither the property nor the option.
        e = Assert.Throws<OptionRangeException>(() => new TrainerOptions { BatchSize = 0 }.Validate());
        Assert.Equal(("BatchSize must be positive, got 0.", "--batch-size must be positive, got 0."), (e.Message, e.CommandLineMessage));
        e = Assert.Throws<OptionRangeException>(() => new TrainerOptions { L1 = -1 }.Validate());
        Assert.Equal(("L1 (regularisation λ) must be a finite number ≥ 0, got -1.", "--l1 (regularisation λ) must be a finite number ≥ 0, got -1."), (e.Message, e.CommandLineMessage));
        e = Assert.Throws<OptionRangeException>(() => new TrainerOptions { Optimizer = new(OptimizerKind.Sgd, 1f) }.Validate());
        Assert.Equal("--momentum (SGD) must be in [0, 1), got 1.", e.CommandLineMessage);

        e = Assert.Throws<OptionRangeException>(() => new ColorizerOptions(Lambda: -1f).Validate());
        Assert.Equal("Lambda must be a finite number ≥ 0, got -1.", e.Message);
        Assert.Equal("--lambda must be a finite number ≥ 0, got -1.", e.CommandLineMessage);

        e = Assert.Throws<OptionRangeException>(() => new GenerativeOptions { Epochs = 1, BatchSize = 0 }.Validate());
        Assert.Equal("BatchSize must be positive, got 0.", e.Message);
        Assert.Equal("--batch-size must be positive, got 0.", e.CommandLineMessage);
    }
}
