using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;

namespace NeuralPipelines.Models.Zoo;

/// <summary>What a network costs per image: trainable parameters and multiply-adds of one forward pass.</summary>
/// <remarks>
/// Multiply-adds count the weighted sums only (convolutions, transposed convolutions, dense layers), the usual convention
/// in papers' tables; pooling, normalisation, activations and additions are comparatively free and are left out.
/// A training step costs about three times the forward pass (forward, ∂C/∂x and ∂C/∂w).
/// </remarks>
public static class NetworkCost
{
    public sealed record Result(long Parameters, long MultiplyAdds, int[] OutputShape);

    public static Result Measure(Layer network, int[] inputShape) =>
        new(network.ParameterCount(), MultiplyAdds(network, inputShape), network.OutputShape(inputShape));

    private static long MultiplyAdds(Layer layer, int[] input)
    {
        switch (layer)
        {
            case Sequential s:
                long sum = 0;
                foreach (var child in s.Children)
                {
                    sum += MultiplyAdds(child, input);
                    input = child.OutputShape(input);
                }
                return sum;
            case Conv2d c:
                int[] y = c.OutputShape(input);
                return (long)y[0] * y[1] * y[2] * c.InChannels * c.Kernel.H * c.Kernel.W;
            case ConvTranspose2d t:
                // Every input pixel scatters out·kH·kW products.
                return (long)t.InChannels * input[1] * input[2] * t.OutChannels * t.Kernel.H * t.Kernel.W;
            case Dense d:
                return (long)d.Inputs * d.Outputs;
            default:
                // Residual and Branches feed the same input to every child.
                return layer.Children.Sum(child => MultiplyAdds(child, input));
        }
    }
}
